package dev.evident.controls.encryption;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.evident.controls.controlplane.ApiServer;
import dev.evident.engine.Affected;
import dev.evident.engine.Control;
import dev.evident.engine.ControlContext;
import dev.evident.engine.Finding;
import dev.evident.engine.ObjectRef;
import dev.evident.engine.Read;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The API server encrypts Secrets at rest: where it runs as a visible pod (namespace
 * {@value ApiServer#NAMESPACE}, label component=kube-apiserver) some container passes {@value #FLAG} with a
 * value. When the configuration file itself is provided (audit {@code --control-plane-config DIR}), the first
 * entry whose resources cover secrets must list a provider other than {@code identity} first (the first
 * provider encrypts what is written; identity writes plain text). Live, the file is not visible and the flag
 * is all that is judged.
 *
 * <p>{@value ApiServer#NAMESPACE} is read straight from the snapshot, whatever namespaces the policy selects
 * (policies exclude it by default). Managed control planes (EKS, GKE, AKS...) show no such pod: then the
 * control gives one notApplicable finding, and the provider's attestation belongs in a ControlException
 * (examples/exceptions/managed-control-plane.yaml).
 * Never remediated: the flag is set on the control plane, not through the API.
 */
public final class SecretsEncryptionAtRest implements Control {
    public static final String TYPE = "SecretsEncryptionAtRest";
    public static final String FLAG = "--encryption-provider-config";
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Entries of an EncryptionConfiguration that cover Secrets: by name, all core resources, or all resources. */
    private static final Set<String> COVERS_SECRETS = Set.of("secrets", "*.", "*.*");

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public List<String> defaultCriteria() {
        return List.of("CC6.1");
    }

    @Override
    public List<Read> reads() {
        return List.of(ApiServer.PODS);
    }

    @Override
    public Affected affectedBy(HasMetadata object) {
        return ApiServer.affectedBy(object);
    }

    @Override
    public List<Finding> evaluate(ControlContext ctx) {
        return ApiServer.judgeEachPod(ctx, "encryption at rest", SecretsEncryptionAtRest::evaluate);
    }

    private static Finding evaluate(ControlContext ctx, Pod pod) {
        ObjectRef ref = ObjectRef.of(pod);
        Optional<String> path = ApiServer.flag(pod, FLAG);
        if (path.isEmpty()) {
            return ctx.fail(ref, "EncryptionProviderNotConfigured", "kube-apiserver runs without " + FLAG
                    + ", so Secrets are stored unencrypted in etcd; not remediated: the flag must be set on the control plane", null);
        }
        Optional<GenericKubernetesResource> config = ApiServer.configFile(ctx.snapshot(), "apiserver.config.k8s.io", "EncryptionConfiguration", path.get());
        if (config.isEmpty()) {
            return ctx.pass(ref, "EncryptionProviderConfigured", "kube-apiserver runs with " + FLAG
                    + "; the configuration's providers were not checked (offline, give its file with --control-plane-config)");
        }
        String where = ApiServer.source(config.get());
        JsonNode entries = JSON.valueToTree(config.get().getAdditionalProperties()).path("resources");
        for (int i = 0; i < entries.size(); i++) {
            JsonNode entry = entries.get(i);
            boolean covers = false;
            for (JsonNode r : entry.path("resources")) {
                covers |= COVERS_SECRETS.contains(r.asText());
            }
            if (!covers) {
                continue;
            }
            JsonNode first = entry.path("providers").path(0);
            String provider = first.isObject() && first.fieldNames().hasNext() ? first.fieldNames().next() : "none";
            if ("identity".equals(provider) || "none".equals(provider)) {
                return ctx.fail(ref, "EncryptionProviderIdentity", where + ": resources[" + i + "] covers secrets with " + provider
                        + " as its first provider, so Secrets are written unencrypted; not remediated: put an encrypting provider"
                        + " (aescbc, aesgcm, secretbox, kms) first on the control plane", null);
            }
            return ctx.pass(ref, "EncryptionProviderConfigured", "kube-apiserver runs with " + FLAG + "; " + where + " resources[" + i
                    + "] encrypts secrets with " + provider);
        }
        return ctx.fail(ref, "SecretsNotCovered", where + " has no resources entry for secrets, so they are written unencrypted;"
                + " not remediated: add one on the control plane", null);
    }
}

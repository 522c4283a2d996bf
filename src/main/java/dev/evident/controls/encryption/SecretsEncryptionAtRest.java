package dev.evident.controls.encryption;

import dev.evident.engine.Control;
import dev.evident.engine.ControlContext;
import dev.evident.engine.Finding;
import dev.evident.engine.Labels;
import dev.evident.engine.ObjectRef;
import dev.evident.engine.Read;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The API server encrypts Secrets at rest: where it runs as a visible pod (namespace
 * {@value #NAMESPACE}, label component=kube-apiserver) some container passes
 * {@value #FLAG} with a value, as {@code --flag=path}, as {@code --flag path}, or inside a shell command
 * line. The flag is all a pod shows: which providers the file configures cannot be seen from here.
 *
 * <p>{@value #NAMESPACE} is read straight from the snapshot, whatever namespaces the policy selects
 * (policies exclude it by default). Managed control planes (EKS, GKE, AKS...) show no such pod: then the
 * control gives one notApplicable finding, and the provider's attestation belongs in a ControlException.
 * Never remediated: the flag is set on the control plane, not through the API.
 */
public final class SecretsEncryptionAtRest implements Control {
    public static final String TYPE = "SecretsEncryptionAtRest";
    public static final String NAMESPACE = "kube-system";
    public static final String FLAG = "--encryption-provider-config";

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
        return List.of(new Read(Pod.class, NAMESPACE, Labels.COMPONENT + "=" + Labels.COMPONENT_APISERVER, null));
    }

    @Override
    public List<Finding> evaluate(ControlContext ctx) {
        List<Finding> findings = new ArrayList<>();
        for (Pod pod : ctx.snapshot().list(Pod.class, NAMESPACE)) {
            Map<String, String> labels = pod.getMetadata().getLabels();
            if (labels == null || !Labels.COMPONENT_APISERVER.equals(labels.get(Labels.COMPONENT))) {
                continue;
            }
            if (hasEncryptionConfig(pod)) {
                findings.add(ctx.pass(ObjectRef.of(pod), "EncryptionProviderConfigured", "kube-apiserver runs with " + FLAG));
            } else {
                findings.add(ctx.fail(ObjectRef.of(pod), "EncryptionProviderNotConfigured", "kube-apiserver runs without " + FLAG
                        + ", so Secrets are stored unencrypted in etcd; not remediated: the flag must be set on the control plane", null));
            }
        }
        if (findings.isEmpty()) {
            findings.add(ctx.notApplicable(new ObjectRef("Cluster", null, Labels.COMPONENT_APISERVER), "ApiServerNotVisible",
                    "no kube-apiserver pod in " + NAMESPACE + " (a managed control plane?): cover this control with a ControlException "
                            + "that cites the provider's attestation of encryption at rest"));
        }
        return findings;
    }

    /** Whether some container's command line carries the flag with a non-empty value. */
    static boolean hasEncryptionConfig(Pod pod) {
        if (pod.getSpec() == null || pod.getSpec().getContainers() == null) {
            return false;
        }
        for (Container c : pod.getSpec().getContainers()) {
            List<String> words = Stream.concat(
                            c.getCommand() == null ? Stream.empty() : c.getCommand().stream(),
                            c.getArgs() == null ? Stream.empty() : c.getArgs().stream())
                    .filter(a -> a != null)
                    .flatMap(a -> Stream.of(a.trim().split("\\s+")))
                    .toList();
            for (int i = 0; i < words.size(); i++) {
                String w = words.get(i);
                if (w.startsWith(FLAG + "=") && w.length() > FLAG.length() + 1
                        || w.equals(FLAG) && i + 1 < words.size() && !words.get(i + 1).startsWith("-")) {
                    return true;
                }
            }
        }
        return false;
    }
}

package dev.evident.controls.encryption;

import static dev.evident.engine.Fixtures.namespace;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.evident.api.v1alpha1.ControlSpec;
import dev.evident.engine.Finding;
import dev.evident.engine.ObjectRef;
import dev.evident.engine.Read;
import dev.evident.engine.Result;
import dev.evident.engine.Fixtures;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SecretsEncryptionAtRestTest {
    private final SecretsEncryptionAtRest control = new SecretsEncryptionAtRest();
    private final ControlSpec spec = Fixtures.configured(SecretsEncryptionAtRest.TYPE, c -> { });

    private static Pod apiserver(String name, List<String> command, List<String> args) {
        return new PodBuilder().withNewMetadata().withNamespace("kube-system").withName(name)
                .withLabels(Map.of("component", "kube-apiserver", "tier", "control-plane")).endMetadata()
                .withNewSpec().addNewContainer().withName("kube-apiserver").withImage("registry.k8s.io/kube-apiserver:v1.31.0")
                .withCommand(command).withArgs(args).endContainer().endSpec().build();
    }

    /** kube-system is excluded by the policy's defaults, and still read. */
    private List<Finding> evaluate(HasMetadata... objects) {
        List<HasMetadata> all = new ArrayList<>(List.of(namespace("kube-system"), namespace("payments")));
        all.addAll(List.of(objects));
        List<Finding> findings = control.evaluate(Fixtures.context(control, spec, all.toArray(HasMetadata[]::new)));
        findings.forEach(f -> assertNull(f.remediation(), "never remediated"));
        return findings;
    }

    @Test
    void flagWithEqualsPasses() {
        List<Finding> findings = evaluate(apiserver("kube-apiserver-cp1",
                List.of("kube-apiserver", "--etcd-servers=https://127.0.0.1:2379", "--encryption-provider-config=/etc/kubernetes/enc/config.yaml"), null));
        assertEquals(1, findings.size());
        assertEquals(Result.PASS, findings.get(0).result());
        assertEquals("EncryptionProviderConfigured", findings.get(0).reason());
        assertEquals(new ObjectRef("Pod", "kube-system", "kube-apiserver-cp1"), findings.get(0).object());
    }

    @Test
    void flagAsSeparateArgPasses() {
        Finding f = evaluate(apiserver("kube-apiserver-cp1", List.of("kube-apiserver"),
                List.of("--encryption-provider-config", "/etc/kubernetes/enc/config.yaml"))).get(0);
        assertEquals(Result.PASS, f.result());
    }

    @Test
    void flagInsideShellCommandLinePasses() {
        Finding f = evaluate(apiserver("kube-apiserver-cp1", List.of("/bin/sh", "-c"),
                List.of("exec kube-apiserver --secure-port=6443 --encryption-provider-config=/etc/enc.yaml"))).get(0);
        assertEquals(Result.PASS, f.result());
    }

    @Test
    void missingFlagFails() {
        Finding f = evaluate(apiserver("kube-apiserver-cp1", List.of("kube-apiserver", "--secure-port=6443"), null)).get(0);
        assertEquals(Result.FAIL, f.result());
        assertEquals("EncryptionProviderNotConfigured", f.reason());
        assertTrue(f.message().contains("must be set on the control plane"), f.message());
    }

    @Test
    void flagWithoutValueFails() {
        assertEquals(Result.FAIL, evaluate(apiserver("a", List.of("kube-apiserver", "--encryption-provider-config="), null)).get(0).result());
        assertEquals(Result.FAIL, evaluate(apiserver("b", List.of("kube-apiserver", "--encryption-provider-config", "--secure-port=6443"), null))
                .get(0).result());
    }

    @Test
    void onePerApiServerPod() {
        List<Finding> findings = evaluate(
                apiserver("kube-apiserver-cp1", List.of("kube-apiserver", "--encryption-provider-config=/e.yaml"), null),
                apiserver("kube-apiserver-cp2", List.of("kube-apiserver"), null));
        assertEquals(List.of(Result.PASS, Result.FAIL), findings.stream().map(Finding::result).toList());
    }

    @Test
    void notVisibleIsNotApplicable() {
        Pod other = new PodBuilder(apiserver("coredns", List.of("coredns"), null))
                .editMetadata().withLabels(Map.of("k8s-app", "kube-dns")).endMetadata().build();
        Pod elsewhere = new PodBuilder(apiserver("fake", List.of("kube-apiserver"), null))
                .editMetadata().withNamespace("payments").endMetadata().build();
        List<Finding> findings = evaluate(other, elsewhere);
        assertEquals(1, findings.size());
        Finding f = findings.get(0);
        assertEquals(Result.NOT_APPLICABLE, f.result());
        assertEquals("ApiServerNotVisible", f.reason());
        assertEquals(new ObjectRef("Cluster", null, "kube-apiserver"), f.object());
        assertTrue(f.message().contains("ControlException") && f.message().contains("attestation"), f.message());
    }

    @Test
    void readsOnlyApiServerPods() {
        assertEquals(List.of(new Read(Pod.class, "kube-system", "component=kube-apiserver", null)), control.reads());
    }

    // --- the encryption configuration, when --control-plane-config provides it ------------------------------

    private static io.fabric8.kubernetes.api.model.GenericKubernetesResource config(String file, List<Map<String, Object>> resources) {
        var c = new io.fabric8.kubernetes.api.model.GenericKubernetesResource();
        c.setApiVersion("apiserver.config.k8s.io/v1");
        c.setKind("EncryptionConfiguration");
        c.setMetadata(new io.fabric8.kubernetes.api.model.ObjectMetaBuilder().withName(file).build());
        c.setAdditionalProperty("resources", resources);
        return c;
    }

    private static Map<String, Object> entry(List<String> resources, String... providers) {
        return Map.of("resources", resources, "providers", java.util.Arrays.stream(providers)
                .map(p -> Map.of(p, p.equals("identity") ? Map.of() : Map.of("keys", List.of(Map.of("name", "k1", "secret", "c2VjcmV0")))))
                .toList());
    }

    private Finding withConfig(Map<String, Object>... entries) {
        return evaluate(apiserver("kube-apiserver-cp1", List.of("kube-apiserver", "--encryption-provider-config=/etc/kubernetes/enc/enc.yaml"), null),
                config("enc.yaml", List.of(entries))).get(0);
    }

    @Test
    void encryptingProviderFirstPasses() {
        Finding f = withConfig(entry(List.of("configmaps"), "identity"), entry(List.of("secrets"), "aescbc", "identity"));
        assertEquals(Result.PASS, f.result(), f::message);
        assertTrue(f.message().contains("resources[1] encrypts secrets with aescbc"), f.message());
        assertEquals(Result.PASS, withConfig(entry(List.of("*.*"), "kms")).result());
    }

    @Test
    void identityFirstFails() {
        Finding f = withConfig(entry(List.of("secrets"), "identity", "aescbc"));
        assertEquals(Result.FAIL, f.result());
        assertEquals("EncryptionProviderIdentity", f.reason());
        assertTrue(f.message().contains("resources[0] covers secrets with identity"), f.message());
    }

    @Test
    void theFirstEntryCoveringSecretsDecides() {
        Finding f = withConfig(entry(List.of("*."), "identity"), entry(List.of("secrets"), "aesgcm"));
        assertEquals("EncryptionProviderIdentity", f.reason(), f::message);
    }

    @Test
    void secretsNotCoveredFails() {
        Finding f = withConfig(entry(List.of("configmaps"), "aescbc"));
        assertEquals(Result.FAIL, f.result());
        assertEquals("SecretsNotCovered", f.reason());
    }

    @Test
    void withoutTheFileOnlyTheFlagIsJudged() {
        Finding f = evaluate(apiserver("kube-apiserver-cp1", List.of("kube-apiserver", "--encryption-provider-config=/etc/enc.yaml"), null),
                config("another.yaml", List.of(entry(List.of("secrets"), "identity")))).get(0);
        assertEquals(Result.PASS, f.result());
        assertTrue(f.message().contains("not checked"), f.message());
    }
}

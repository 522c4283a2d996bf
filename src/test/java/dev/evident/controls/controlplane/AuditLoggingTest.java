package dev.evident.controls.controlplane;

import static dev.evident.engine.Fixtures.namespace;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.evident.api.v1alpha1.ControlSpec;
import dev.evident.engine.Finding;
import dev.evident.engine.Fixtures;
import dev.evident.engine.ObjectRef;
import dev.evident.engine.Result;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AuditLoggingTest {
    private final AuditLogging control = new AuditLogging();
    private final ControlSpec spec = Fixtures.configured(AuditLogging.TYPE, c -> { });

    static Pod apiserver(String... flags) {
        List<String> command = new ArrayList<>(List.of("kube-apiserver", "--secure-port=6443"));
        command.addAll(List.of(flags));
        return new PodBuilder().withNewMetadata().withNamespace("kube-system").withName("kube-apiserver-cp1")
                .withLabels(Map.of("component", "kube-apiserver")).endMetadata()
                .withNewSpec().addNewContainer().withName("kube-apiserver").withCommand(command).endContainer().endSpec().build();
    }

    /** An audit Policy file as --control-plane-config gives it: named by its file name. */
    static GenericKubernetesResource policy(String file, List<Map<String, Object>> rules) {
        GenericKubernetesResource p = new GenericKubernetesResource();
        p.setApiVersion("audit.k8s.io/v1");
        p.setKind("Policy");
        p.setMetadata(new ObjectMetaBuilder().withName(file).build());
        p.setAdditionalProperty("rules", rules);
        return p;
    }

    private static Map<String, Object> rule(String level, Object... resourcesAndMore) {
        Map<String, Object> rule = new java.util.LinkedHashMap<>();
        rule.put("level", level);
        for (int i = 0; i + 1 < resourcesAndMore.length; i += 2) {
            rule.put((String) resourcesAndMore[i], resourcesAndMore[i + 1]);
        }
        return rule;
    }

    private static List<Map<String, Object>> groupResources(String group, String... resources) {
        return List.of(Map.of("group", group, "resources", List.of(resources)));
    }

    private List<Finding> evaluate(HasMetadata... objects) {
        List<HasMetadata> all = new ArrayList<>(List.of(namespace("kube-system"), namespace("payments")));
        all.addAll(List.of(objects));
        List<Finding> findings = control.evaluate(Fixtures.context(control, spec, all.toArray(HasMetadata[]::new)));
        findings.forEach(f -> assertNull(f.remediation(), "never remediated"));
        return findings;
    }

    private Finding only(HasMetadata... objects) {
        List<Finding> findings = evaluate(objects);
        assertEquals(1, findings.size(), findings::toString);
        return findings.get(0);
    }

    private static final String[] FLAGS = {"--audit-policy-file=/etc/kubernetes/audit/policy.yaml", "--audit-log-path=/var/log/kubernetes/audit.log"};

    @Test
    void flagsWithoutThePolicyFilePassAndSaySoMuch() {
        Finding f = only(apiserver(FLAGS));
        assertEquals(Result.PASS, f.result());
        assertEquals("AuditLoggingConfigured", f.reason());
        assertTrue(f.message().contains("not checked"), f.message());
        assertEquals(new ObjectRef("Pod", "kube-system", "kube-apiserver-cp1"), f.object());
    }

    @Test
    void webhookIsABackendToo() {
        assertEquals(Result.PASS, only(apiserver("--audit-policy-file", "/p.yaml", "--audit-webhook-config-file=/w.yaml")).result());
    }

    @Test
    void noPolicyFlagFails() {
        Finding f = only(apiserver("--audit-log-path=/var/log/audit.log"));
        assertEquals(Result.FAIL, f.result());
        assertEquals("AuditPolicyMissing", f.reason());
    }

    @Test
    void noBackendFails() {
        Finding f = only(apiserver("--audit-policy-file=/p.yaml"));
        assertEquals(Result.FAIL, f.result());
        assertEquals("AuditBackendMissing", f.reason());
    }

    @Test
    void notVisibleIsNotApplicable() {
        Finding f = only();
        assertEquals(Result.NOT_APPLICABLE, f.result());
        assertEquals("ApiServerNotVisible", f.reason());
        assertTrue(f.message().contains("attestation of audit logging"), f.message());
    }

    @Test
    void catchAllMetadataPolicyPasses() {
        Finding f = only(apiserver(FLAGS), policy("policy.yaml", List.of(rule("Metadata"))));
        assertEquals(Result.PASS, f.result(), f::message);
        assertTrue(f.message().contains("secrets (level Metadata by rules[0])"), f.message());
    }

    @Test
    void firstMatchingRuleDecides() {
        Finding f = only(apiserver(FLAGS), policy("policy.yaml", List.of(
                rule("None", "resources", groupResources("", "secrets", "configmaps")),
                rule("RequestResponse"))));
        assertEquals(Result.FAIL, f.result());
        assertEquals("AuditPolicyIncomplete", f.reason());
        assertTrue(f.message().contains("secrets (rules[0] sets level None)"), f.message());
        assertTrue(!f.message().contains("pods/exec ("), "pods/exec is logged by rules[1]: " + f.message());
    }

    @Test
    void unmatchedRequestsAreNotLogged() {
        Finding f = only(apiserver(FLAGS), policy("policy.yaml", List.of(
                rule("Metadata", "resources", groupResources("", "secrets")),
                rule("Request", "resources", groupResources("rbac.authorization.k8s.io")))));
        assertEquals(Result.FAIL, f.result());
        assertTrue(f.message().contains("pods/exec (no rule logs every request on it)"), f.message());
        assertTrue(!f.message().contains("secrets ("), f.message());
        assertTrue(!f.message().contains("clusterroles ("), "group with no resources listed covers all its resources: " + f.message());
    }

    @Test
    void subresourcePatternsAndPartialRules() {
        Finding f = only(apiserver(FLAGS), policy("policy.yaml", List.of(
                rule("None", "users", List.of("system:kube-proxy"), "resources", groupResources("", "secrets")),
                rule("Metadata", "verbs", List.of("create"), "resources", groupResources("", "pods/*")),
                rule("Metadata", "resources", List.of(Map.of("group", "", "resources", List.of("secrets", "*/exec")),
                        Map.of("group", "rbac.authorization.k8s.io", "resources", List.of("*")))))));
        assertEquals(Result.PASS, f.result(), f::message);
        assertTrue(f.message().contains("secrets (level Metadata by rules[2], except requests matched by the narrower level None rules[0])"), f.message());
        assertTrue(f.message().contains("pods/exec (level Metadata by rules[2])"), "a rule limited to some verbs does not cover: " + f.message());
    }

    @Test
    void plainPodsDoesNotCoverExecAndNonResourceRulesDoNotApply() {
        Finding f = only(apiserver(FLAGS), policy("policy.yaml", List.of(
                rule("None", "nonResourceURLs", List.of("/healthz*")),
                rule("Metadata", "resources", List.of(Map.of("group", "", "resources", List.of("pods", "secrets")),
                        Map.of("group", "rbac.authorization.k8s.io"))))));
        assertEquals(Result.FAIL, f.result());
        assertTrue(f.message().contains("pods/exec (no rule logs every request on it)"), f.message());
    }

    @Test
    void theFileTheFlagNamesIsUsed() {
        Finding f = only(apiserver(FLAGS), policy("other.yaml", List.of(rule("None"))));
        assertEquals(Result.PASS, f.result());
        assertTrue(f.message().contains("not checked"), f.message());
    }
}

package dev.evident.evidence;

import static org.assertj.core.api.Assertions.assertThat;

import dev.evident.api.v1alpha1.ControlPolicy;
import dev.evident.controls.StandardControls;
import dev.evident.engine.Engine;
import dev.evident.engine.InMemorySnapshot;
import dev.evident.engine.PolicyEvaluation;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBindingBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PolicyReportsTest {
    static final Instant NOW = Instant.parse("2025-03-01T12:00:00Z");

    static ControlPolicy policy() {
        return Serialization.unmarshal("""
                apiVersion: evident.dev/v1alpha1
                kind: ControlPolicy
                metadata: {name: baseline, uid: 0b7e5c1e-0000-4000-8000-000000000001}
                spec:
                  controls:
                    - id: PSS-001
                      type: PodSecurityLevel
                      podSecurityLevel: {level: restricted}
                    - id: RBAC-001
                      type: RbacLeastPrivilege
                      rbacLeastPrivilege: {}
                """, ControlPolicy.class);
    }

    static PolicyEvaluation evaluate(ControlPolicy policy, List<HasMetadata> objects) {
        return new Engine(StandardControls.catalog(), null).evaluate(policy, InMemorySnapshot.of(NOW, objects));
    }

    static List<HasMetadata> cluster(int namespaces, String level) {
        List<HasMetadata> objects = new ArrayList<>();
        for (int i = 0; i < namespaces; i++) {
            objects.add(new NamespaceBuilder().withNewMetadata().withName("ns-" + i)
                    .addToLabels(i % 2 == 0 ? Map.of("pod-security.kubernetes.io/enforce", level) : Map.of()).endMetadata().build());
        }
        objects.add(new ClusterRoleBindingBuilder().withNewMetadata().withName("too-much").endMetadata()
                .withNewRoleRef().withApiGroup("rbac.authorization.k8s.io").withKind("ClusterRole").withName("cluster-admin").endRoleRef()
                .addNewSubject().withKind("User").withName("mallory").withApiGroup("rbac.authorization.k8s.io").endSubject().build());
        return objects;
    }

    @Test
    void anExceptedFindingIsASkipNamingItsException() {
        ControlPolicy policy = policy();
        List<HasMetadata> objects = cluster(2, "restricted");
        objects.add(Serialization.unmarshal("""
                apiVersion: evident.dev/v1alpha1
                kind: ControlException
                metadata: {name: ns-1-waiver}
                spec:
                  policy: baseline
                  controls: [PSS-001]
                  namespaces: [ns-1]
                  justification: "Legacy namespace, decommissioned next quarter."
                  approvedBy: security-lead@example.com
                  expiresAt: "2025-04-01T00:00:00Z"
                """, dev.evident.api.v1alpha1.ControlException.class));
        List<GenericKubernetesResource> reports = PolicyReports.build(PolicyReports.Api.OPENREPORTS, policy, evaluate(policy, objects), Map.of(), 500);
        GenericKubernetesResource ns1 = reports.stream().filter(r -> "ns-1".equals(r.getMetadata().getNamespace())).findFirst().orElseThrow();
        assertThat(ns1.getAdditionalProperties().get("summary")).isEqualTo(Map.of("pass", 0, "fail", 0, "warn", 0, "error", 0, "skip", 1));
        @SuppressWarnings("unchecked")
        Map<String, Object> result = ((List<Map<String, Object>>) ns1.getAdditionalProperties().get("results")).get(0);
        assertThat(result).containsEntry("result", "skip");
        assertThat((String) result.get("message")).contains("ControlException ns-1-waiver");
        assertThat(result.get("properties")).isEqualTo(Map.of("criteria", "CC6.8", "reason", "LabelMissing", "evidentResult", "excepted"));
    }

    @Test
    void oneReportPerNamespaceAndOneForTheClusterWithCriteriaInProperties() {
        ControlPolicy policy = policy();
        PolicyEvaluation evaluation = evaluate(policy, cluster(3, "restricted"));
        List<GenericKubernetesResource> reports = PolicyReports.build(PolicyReports.Api.OPENREPORTS, policy, evaluation, Map.of(), 500);
        assertThat(reports).extracting(r -> r.getKind() + " " + r.getMetadata().getNamespace() + "/" + r.getMetadata().getName())
                .containsExactlyInAnyOrder("ClusterReport null/evident-baseline", "Report ns-0/evident-baseline",
                        "Report ns-1/evident-baseline", "Report ns-2/evident-baseline");
        GenericKubernetesResource ns1 = reports.stream().filter(r -> "ns-1".equals(r.getMetadata().getNamespace())).findFirst().orElseThrow();
        assertThat(ns1.getApiVersion()).isEqualTo("openreports.io/v1alpha1");
        assertThat(ns1.getMetadata().getLabels()).containsEntry("app.kubernetes.io/managed-by", "evident").containsEntry("evident.dev/policy", "baseline");
        assertThat(ns1.getMetadata().getOwnerReferences()).singleElement().satisfies(o -> assertThat(o.getKind()).isEqualTo("ControlPolicy"));
        Map<String, Object> body = ns1.getAdditionalProperties();
        assertThat(body).containsEntry("source", "evident").containsEntry("scope", Map.of("apiVersion", "v1", "kind", "Namespace", "name", "ns-1"));
        assertThat(body.get("summary")).isEqualTo(Map.of("pass", 0, "fail", 1, "warn", 0, "error", 0, "skip", 0));
        @SuppressWarnings("unchecked")
        Map<String, Object> result = ((List<Map<String, Object>>) body.get("results")).get(0);
        assertThat(result).containsEntry("policy", "baseline").containsEntry("rule", "PSS-001").containsEntry("category", "PodSecurityLevel")
                .containsEntry("result", "fail").containsEntry("resources", List.of(Map.of("kind", "Namespace", "name", "ns-1")));
        assertThat(result.get("properties")).isEqualTo(Map.of("criteria", "CC6.8", "reason", "LabelMissing", "evidentResult", "fail"));
        GenericKubernetesResource clusterReport = reports.stream().filter(r -> r.getKind().equals("ClusterReport")).findFirst().orElseThrow();
        assertThat(clusterReport.getAdditionalProperties()).doesNotContainKey("scope");
        assertThat(PolicyReports.build(PolicyReports.Api.WGPOLICY, policy, evaluation, Map.of(), 500))
                .extracting(GenericKubernetesResource::getKind).containsOnly("PolicyReport", "ClusterPolicyReport");
    }

    @Test
    void sizeIsBoundedFailuresFirstAndTheSummaryCountsEverything() {
        ControlPolicy policy = Serialization.unmarshal("""
                apiVersion: evident.dev/v1alpha1
                kind: ControlPolicy
                metadata: {name: rbac}
                spec:
                  controls:
                    - id: RBAC-001
                      type: RbacLeastPrivilege
                      rbacLeastPrivilege: {}
                """, ControlPolicy.class);
        List<HasMetadata> objects = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            objects.add(new ClusterRoleBindingBuilder().withNewMetadata().withName("b-" + i).endMetadata()
                    .withNewRoleRef().withApiGroup("rbac.authorization.k8s.io").withKind("ClusterRole").withName(i < 5 ? "cluster-admin" : "view").endRoleRef()
                    .addNewSubject().withKind("User").withName("u" + i).withApiGroup("rbac.authorization.k8s.io").endSubject().build());
        }
        PolicyEvaluation evaluation = evaluate(policy, objects);
        GenericKubernetesResource report = PolicyReports.build(PolicyReports.Api.OPENREPORTS, policy, evaluation, Map.of(), 10).get(0);
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> results = (List<Map<String, Object>>) report.getAdditionalProperties().get("results");
        assertThat(results).hasSize(10);
        assertThat(results.subList(0, 5)).allSatisfy(r -> assertThat(r.get("result")).isEqualTo("fail"));
        @SuppressWarnings("unchecked")
        Map<String, Integer> summary = (Map<String, Integer>) report.getAdditionalProperties().get("summary");
        assertThat(summary.values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(evaluation.findings().size());
        assertThat(report.getMetadata().getAnnotations()).containsEntry(PolicyReports.OMITTED, Integer.toString(evaluation.findings().size() - 10));
    }
}

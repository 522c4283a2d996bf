package dev.evident.controls.network;

import static dev.evident.api.v1alpha1.NetworkDefaultDenySpec.PolicyType.Egress;
import static dev.evident.api.v1alpha1.NetworkDefaultDenySpec.PolicyType.Ingress;
import static dev.evident.engine.Fixtures.NOW;
import static dev.evident.engine.Fixtures.namespace;
import static dev.evident.engine.Fixtures.networkDefaultDeny;
import static dev.evident.engine.Fixtures.policy;
import static org.assertj.core.api.Assertions.assertThat;

import dev.evident.api.v1alpha1.ControlPolicy;
import dev.evident.api.v1alpha1.Mode;
import dev.evident.controls.StandardControls;
import dev.evident.engine.Engine;
import dev.evident.engine.Finding;
import dev.evident.engine.InMemorySnapshot;
import dev.evident.engine.Remediation;
import dev.evident.engine.ResourceKind;
import dev.evident.engine.Result;
import dev.evident.engine.Snapshot;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** NetworkDefaultDeny credits Cilium policies that deny by default for every pod of the namespace, and nothing else. */
class CiliumDefaultDenyTest {
    private static final ControlPolicy BOTH = policy("p", Mode.Enforce, networkDefaultDeny("NET-001", true));
    private static final ControlPolicy BOTH_NO_DNS = policy("p", Mode.Enforce, networkDefaultDeny("NET-001", false));
    private static final ControlPolicy INGRESS = policy("p", Mode.Enforce, networkDefaultDeny("NET-001", true, Ingress));
    private static final ControlPolicy EGRESS = policy("p", Mode.Enforce, networkDefaultDeny("NET-001", true, Egress));
    private static final String DNS_EGRESS = """
            egress:
            - toEndpoints:
              - matchLabels: {k8s:io.kubernetes.pod.namespace: kube-system, k8s:k8s-app: kube-dns}
              toPorts:
              - ports: [{port: "53", protocol: UDP}, {port: "53", protocol: TCP}]
                rules: {dns: [{matchPattern: "*"}]}
            """;

    static GenericKubernetesResource cnp(String name, String spec) {
        return Serialization.unmarshal("""
                apiVersion: cilium.io/v2
                kind: CiliumNetworkPolicy
                metadata: {name: %s, namespace: team}
                spec:
                %s""".formatted(name, spec.indent(2)), GenericKubernetesResource.class);
    }

    static GenericKubernetesResource ccnp(String name, String spec) {
        return Serialization.unmarshal("""
                apiVersion: cilium.io/v2
                kind: CiliumClusterwideNetworkPolicy
                metadata: {name: %s}
                spec:
                %s""".formatted(name, spec.indent(2)), GenericKubernetesResource.class);
    }

    private static Finding judge(ControlPolicy policy, HasMetadata... objects) {
        List<HasMetadata> all = new ArrayList<>(List.of(objects));
        all.add(0, namespace("team", Map.of("tier", "prod")));
        return judge(policy, InMemorySnapshot.of(NOW, all));
    }

    private static Finding judge(ControlPolicy policy, Snapshot snapshot) {
        var evaluation = new Engine(StandardControls.catalog(), null).evaluate(policy, snapshot);
        assertThat(evaluation.problems()).isEmpty();
        assertThat(evaluation.findings()).hasSize(1);
        return evaluation.findings().get(0);
    }

    @Test
    void emptySelectorWithEmptyIngressAndEgressRulesDeniesBothAndIsNamed() {
        Finding f = judge(BOTH, cnp("deny-all", """
                endpointSelector: {}
                ingress: [{}]
                egress: [{}]
                """));
        assertThat(f.result()).isEqualTo(Result.PASS);
        assertThat(f.reason()).isEqualTo("DefaultDenyPresent");
        assertThat(f.message()).isEqualTo("default-deny [Ingress, Egress] by CiliumNetworkPolicy deny-all");
        assertThat(f.remediation()).isNull();
    }

    @Test
    void ingressOnlyCreditsIngressAndThePlanIsStillAKubernetesNetworkPolicy() {
        GenericKubernetesResource ingressOnly = cnp("deny-in", "endpointSelector: {}\ningress: [{}]\n");
        assertThat(judge(INGRESS, ingressOnly).result()).isEqualTo(Result.PASS);
        Finding both = judge(BOTH, ingressOnly);
        assertThat(both.result()).isEqualTo(Result.FAIL);
        assertThat(both.reason()).isEqualTo("DefaultDenyMissing");
        assertThat(both.message()).isEqualTo("no NetworkPolicy or Cilium policy selecting all pods denies [Egress]"
                + " ([Ingress] by CiliumNetworkPolicy deny-in)");
        assertThat(both.remediation()).isInstanceOfSatisfying(Remediation.Apply.class,
                a -> assertThat(a.desired().getKind()).isEqualTo("NetworkPolicy"));
    }

    @Test
    void egressOnlyCreditsEgressAndTogetherWithANetworkPolicyBothPass() {
        GenericKubernetesResource egressOnly = cnp("deny-out", "endpointSelector: {}\negress: [{}]\n");
        assertThat(judge(EGRESS, egressOnly).result()).isEqualTo(Result.PASS);
        assertThat(judge(INGRESS, egressOnly).result()).isEqualTo(Result.FAIL);
        var denyIn = new NetworkPolicyBuilder().withNewMetadata().withNamespace("team").withName("deny-in").endMetadata()
                .withNewSpec().withNewPodSelector().endPodSelector().withPolicyTypes("Ingress").endSpec().build();
        Finding f = judge(BOTH, egressOnly, denyIn);
        assertThat(f.result()).isEqualTo(Result.PASS);
        assertThat(f.message()).isEqualTo("default-deny [Ingress, Egress] by NetworkPolicy deny-in; CiliumNetworkPolicy deny-out");
    }

    @Test
    void egressThatOpensOnlyDnsCountsOnlyWhenDnsIsAllowed() {
        GenericKubernetesResource dnsOnly = cnp("deny-out", "endpointSelector: {}\n" + DNS_EGRESS);
        assertThat(judge(EGRESS, dnsOnly).result()).isEqualTo(Result.PASS);
        assertThat(judge(policy("p", Mode.Audit, networkDefaultDeny("NET-001", false, Egress)), dnsOnly).result()).isEqualTo(Result.FAIL);
        assertThat(judge(BOTH_NO_DNS, cnp("deny-all", "endpointSelector: {}\ningress: [{}]\negress: [{}]\n")).result())
                .isEqualTo(Result.PASS);
    }

    @Test
    void egressThatOpensMoreThanDnsDoesNotCount() {
        assertThat(judge(EGRESS, cnp("web", """
                endpointSelector: {}
                egress:
                - toEntities: [world]
                  toPorts: [{ports: [{port: "443", protocol: TCP}]}]
                """)).result()).isEqualTo(Result.FAIL);
        assertThat(judge(EGRESS, cnp("dns-and-icmp", """
                endpointSelector: {}
                egress:
                - toPorts: [{ports: [{port: "53"}]}]
                  icmps: [{fields: [{type: 8}]}]
                """)).result()).isEqualTo(Result.FAIL);
        assertThat(judge(EGRESS, cnp("any-port", "endpointSelector: {}\negress: [{toEntities: [kube-apiserver]}]\n")).result())
                .isEqualTo(Result.FAIL);
    }

    @Test
    void enableDefaultDenyFalseSwitchesThatDirectionOff() {
        GenericKubernetesResource audit = cnp("observe", """
                endpointSelector: {}
                enableDefaultDeny: {ingress: false, egress: true}
                ingress: [{}]
                egress: [{}]
                """);
        assertThat(judge(INGRESS, audit).result()).isEqualTo(Result.FAIL);
        assertThat(judge(EGRESS, audit).result()).isEqualTo(Result.PASS);
    }

    @Test
    void aSelectorOnPodLabelsDoesNotCoverEveryPod() {
        assertThat(judge(INGRESS, cnp("web", "endpointSelector: {matchLabels: {app: web}}\ningress: [{}]\n")).result()).isEqualTo(Result.FAIL);
        assertThat(judge(INGRESS, cnp("no-foo", """
                endpointSelector: {matchExpressions: [{key: foo, operator: DoesNotExist}]}
                ingress: [{}]
                """)).result()).isEqualTo(Result.FAIL);
        assertThat(judge(INGRESS, cnp("reserved", "endpointSelector: {matchLabels: {reserved:host: ''}}\ningress: [{}]\n")).result())
                .isEqualTo(Result.FAIL);
    }

    @Test
    void aSelectorOnTheNamespaceItselfCoversEveryPod() {
        assertThat(judge(INGRESS, cnp("ns", "endpointSelector: {matchLabels: {k8s:io.kubernetes.pod.namespace: team}}\ningress: [{}]\n"))
                .result()).isEqualTo(Result.PASS);
        assertThat(judge(INGRESS, cnp("other", "endpointSelector: {matchLabels: {io.kubernetes.pod.namespace: other}}\ningress: [{}]\n"))
                .result()).isEqualTo(Result.FAIL);
    }

    @Test
    void rulesThatAllowSomethingOrEmptySectionsDoNotCount() {
        assertThat(judge(INGRESS, cnp("same-ns", "endpointSelector: {}\ningress: [{fromEndpoints: [{}]}]\n")).result()).isEqualTo(Result.FAIL);
        // an empty list is as if the section were omitted: no default-deny
        assertThat(judge(INGRESS, cnp("empty", "endpointSelector: {}\ningress: []\n")).result()).isEqualTo(Result.FAIL);
        assertThat(judge(INGRESS, cnp("host", "nodeSelector: {}\ningress: [{}]\n")).result()).isEqualTo(Result.FAIL);
    }

    @Test
    void denyRulesAloneEnterDefaultDenyAndNeverAllow() {
        Finding f = judge(INGRESS, cnp("deny-world", "endpointSelector: {}\ningressDeny: [{fromEntities: [world]}]\n"));
        assertThat(f.result()).isEqualTo(Result.PASS);
        assertThat(f.message()).contains("CiliumNetworkPolicy deny-world");
    }

    @Test
    void anyRuleOfSpecsMayCredit() {
        GenericKubernetesResource p = Serialization.unmarshal("""
                apiVersion: cilium.io/v2
                kind: CiliumNetworkPolicy
                metadata: {name: several, namespace: team}
                specs:
                - endpointSelector: {matchLabels: {app: web}}
                  ingress: [{fromEntities: [world]}]
                - endpointSelector: {}
                  ingress: [{}]
                """, GenericKubernetesResource.class);
        assertThat(judge(INGRESS, p).result()).isEqualTo(Result.PASS);
    }

    @Test
    void aPolicyOfAnotherNamespaceDoesNotCount() {
        GenericKubernetesResource elsewhere = cnp("deny-all", "endpointSelector: {}\ningress: [{}]\n");
        elsewhere.getMetadata().setNamespace("other");
        assertThat(judge(INGRESS, elsewhere).result()).isEqualTo(Result.FAIL);
    }

    @Test
    void clusterwidePoliciesCoverTheNamespacesTheySelect() {
        Finding all = judge(BOTH, ccnp("deny-everywhere", "endpointSelector: {}\ningress: [{}]\n" + DNS_EGRESS));
        assertThat(all.result()).isEqualTo(Result.PASS);
        assertThat(all.message()).isEqualTo("default-deny [Ingress, Egress] by CiliumClusterwideNetworkPolicy deny-everywhere");
        assertThat(judge(INGRESS, ccnp("not-system", """
                endpointSelector: {matchExpressions: [{key: io.kubernetes.pod.namespace, operator: NotIn, values: [kube-system]}]}
                ingress: [{}]
                """)).result()).isEqualTo(Result.PASS);
        assertThat(judge(INGRESS, ccnp("prod", "endpointSelector: {matchLabels: {k8s:io.cilium.k8s.namespace.labels.tier: prod}}\ningress: [{}]\n"))
                .result()).isEqualTo(Result.PASS);
        assertThat(judge(INGRESS, ccnp("others", """
                endpointSelector: {matchExpressions: [{key: k8s:io.kubernetes.pod.namespace, operator: In, values: [shop, web]}]}
                ingress: [{}]
                """)).result()).isEqualTo(Result.FAIL);
        assertThat(judge(INGRESS, ccnp("web", "endpointSelector: {matchLabels: {app: web}}\ningress: [{}]\n")).result()).isEqualTo(Result.FAIL);
    }

    @Test
    void unreadableCiliumPoliciesMakeAnUncoveredNamespaceAnErrorNotAFail() {
        InMemorySnapshot base = InMemorySnapshot.of(NOW, List.of(namespace("team")));
        Snapshot unreadable = new Snapshot() {
            @Override
            public Instant now() {
                return base.now();
            }

            @Override
            public <T extends HasMetadata> List<T> list(Class<T> kind) {
                return base.list(kind);
            }

            @Override
            public <T extends HasMetadata> List<T> list(Class<T> kind, String namespace) {
                return base.list(kind, namespace);
            }

            @Override
            public Optional<String> unreadable(ResourceKind kind) {
                return Optional.of("cannot list ciliumnetworkpolicies.cilium.io: forbidden");
            }
        };
        Finding f = judge(BOTH, unreadable);
        assertThat(f.result()).isEqualTo(Result.ERROR);
        assertThat(f.reason()).isEqualTo("CiliumPoliciesUnreadable");
        assertThat(f.remediation()).isNull();
        assertThat(f.message()).contains("forbidden");
    }

    @Test
    void withoutCiliumTheMessageIsTodays() {
        assertThat(judge(BOTH).message()).isEqualTo("no NetworkPolicy selecting all pods denies [Ingress, Egress]");
    }
}

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
import dev.evident.engine.Labels;
import dev.evident.engine.Remediation;
import dev.evident.engine.Result;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyBuilder;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class NetworkDefaultDenyTest {
    private static final ControlPolicy BOTH = policy("p", Mode.Enforce, networkDefaultDeny("NET-001", true));

    private static Finding judgeWith(ControlPolicy policy, String operatorNamespace, HasMetadata... objects) {
        List<HasMetadata> all = new ArrayList<>(List.of(objects));
        all.add(0, namespace("team"));
        var evaluation = new Engine(StandardControls.catalog(), operatorNamespace).evaluate(policy, InMemorySnapshot.of(NOW, all));
        assertThat(evaluation.problems()).isEmpty();
        assertThat(evaluation.findings()).hasSize(1);
        return evaluation.findings().get(0);
    }

    private static Finding judge(HasMetadata... objects) {
        return judgeWith(BOTH, null, objects);
    }

    private static NetworkPolicyBuilder np(String name) {
        return new NetworkPolicyBuilder().withNewMetadata().withNamespace("team").withName(name).endMetadata();
    }

    private static NetworkPolicy denyAll(String name, String... types) {
        return np(name).withNewSpec().withNewPodSelector().endPodSelector().withPolicyTypes(types).endSpec().build();
    }

    @Test
    void usersDenyAllPolicyPassesAndGetsNoPlan() {
        Finding f = judge(denyAll("deny-all", "Ingress", "Egress"));
        assertThat(f.result()).isEqualTo(Result.PASS);
        assertThat(f.reason()).isEqualTo("DefaultDenyPresent");
        assertThat(f.message()).contains("deny-all");
        assertThat(f.remediation()).isNull();
        assertThat(f.object().kind()).isEqualTo("Namespace");
        assertThat(f.object().namespace()).isEqualTo("team");
        assertThat(f.criteria()).containsExactly("CC6.6", "CC6.1");
    }

    @Test
    void separateIngressAndEgressPoliciesTogetherPass() {
        assertThat(judge(denyAll("deny-in", "Ingress"), denyAll("deny-out", "Egress")).result()).isEqualTo(Result.PASS);
    }

    @Test
    void otherAllowPoliciesDoNotMatter() {
        NetworkPolicy allowWeb = np("allow-web").withNewSpec()
                .withNewPodSelector().addToMatchLabels("app", "web").endPodSelector()
                .addNewIngress().addNewFrom().withNewNamespaceSelector().endNamespaceSelector().endFrom().endIngress()
                .withPolicyTypes("Ingress").endSpec().build();
        assertThat(judge(denyAll("deny-all", "Ingress", "Egress"), allowWeb).result()).isEqualTo(Result.PASS);
    }

    @Test
    void missingPolicyFailsWithPlanToCreateTheManagedOne() {
        Finding f = judge();
        assertThat(f.result()).isEqualTo(Result.FAIL);
        assertThat(f.reason()).isEqualTo("DefaultDenyMissing");
        assertThat(f.message()).contains("Ingress", "Egress");
        Remediation.Apply plan = (Remediation.Apply) f.remediation();
        assertThat(plan.fieldManager()).isEqualTo("evident");
        assertThat(plan.summary()).isEqualTo("create NetworkPolicy team/evident-default-deny denying [Ingress, Egress] (DNS egress allowed)");
        NetworkPolicy desired = (NetworkPolicy) plan.desired();
        assertThat(desired.getMetadata().getName()).isEqualTo("evident-default-deny");
        assertThat(desired.getMetadata().getNamespace()).isEqualTo("team");
        assertThat(desired.getMetadata().getLabels()).containsEntry(Labels.MANAGED_BY, "evident")
                .containsEntry(Labels.POLICY, "p").containsEntry(Labels.CONTROL, "NET-001");
        assertThat(desired.getMetadata().getOwnerReferences()).as("no uid offline").isNullOrEmpty();
        assertThat(desired.getSpec().getPodSelector().getMatchLabels()).isNullOrEmpty();
        assertThat(desired.getSpec().getPolicyTypes()).containsExactly("Ingress", "Egress");
        assertThat(desired.getSpec().getIngress()).isNullOrEmpty();
        assertThat(desired.getSpec().getEgress()).singleElement().satisfies(rule -> {
            assertThat(rule.getTo()).isNullOrEmpty();
            assertThat(rule.getPorts()).extracting(p -> p.getProtocol() + "/" + p.getPort().getIntVal()).containsExactly("UDP/53", "TCP/53");
        });
        // The planned object satisfies the control itself.
        assertThat(NetworkDefaultDeny.deniedTypes(desired, true)).containsExactlyInAnyOrder(Ingress, Egress);
    }

    @Test
    void ownerReferencePointsAtAPolicyFromTheCluster() {
        ControlPolicy fromCluster = policy("p", Mode.Enforce, networkDefaultDeny("NET-001", true));
        fromCluster.getMetadata().setUid("1234");
        NetworkPolicy desired = (NetworkPolicy) ((Remediation.Apply) judgeWith(fromCluster, null).remediation()).desired();
        assertThat(desired.getMetadata().getOwnerReferences()).singleElement().satisfies(o -> {
            assertThat(o.getUid()).isEqualTo("1234");
            assertThat(o.getKind()).isEqualTo("ControlPolicy");
            assertThat(o.getApiVersion()).isEqualTo("evident.dev/v1alpha1");
        });
    }

    @Test
    void narrowerPodSelectorDoesNotCount() {
        NetworkPolicy narrow = np("deny-web").withNewSpec().withNewPodSelector().addToMatchLabels("app", "web").endPodSelector()
                .withPolicyTypes("Ingress", "Egress").endSpec().build();
        assertThat(judge(narrow).reason()).isEqualTo("DefaultDenyMissing");
    }

    @Test
    void policyWithRulesDoesNotDeny() {
        NetworkPolicy allowsIngress = np("all").withNewSpec().withNewPodSelector().endPodSelector()
                .addNewIngress().endIngress().withPolicyTypes("Ingress", "Egress").endSpec().build();
        Finding f = judge(allowsIngress);
        assertThat(f.result()).isEqualTo(Result.FAIL);
        assertThat(f.message()).isEqualTo("no NetworkPolicy selecting all pods denies [Ingress] ([Egress] by NetworkPolicy all)");
    }

    @Test
    void withoutPolicyTypesOnlyIngressIsDenied() {
        NetworkPolicy implicit = np("implicit").withNewSpec().withNewPodSelector().endPodSelector().endSpec().build();
        assertThat(judge(implicit).message()).contains("[Egress]");
        ControlPolicy ingressOnly = policy("p", Mode.Audit, networkDefaultDeny("NET-001", true, Ingress));
        assertThat(judgeWith(ingressOnly, null, implicit).result()).isEqualTo(Result.PASS);
    }

    @Test
    void dnsOnlyEgressCountsOnlyWhenAllowed() {
        NetworkPolicy dns = np("deny-but-dns").withNewSpec().withNewPodSelector().endPodSelector()
                .addNewEgress().addNewPort().withProtocol("UDP").withPort(new IntOrString(53)).endPort()
                .addNewPort().withProtocol("TCP").withPort(new IntOrString(53)).endPort().endEgress()
                .withPolicyTypes("Ingress", "Egress").endSpec().build();
        assertThat(judge(dns).result()).isEqualTo(Result.PASS);
        ControlPolicy strict = policy("p", Mode.Audit, networkDefaultDeny("NET-001", false));
        Finding f = judgeWith(strict, null, dns);
        assertThat(f.result()).isEqualTo(Result.FAIL);
        assertThat(f.message()).contains("[Egress]");
        NetworkPolicy strictDesired = (NetworkPolicy) ((Remediation.Apply) f.remediation()).desired();
        assertThat(strictDesired.getSpec().getEgress()).isNullOrEmpty();
    }

    @Test
    void egressRuleWithoutPortsOrOtherPortsIsNotDnsOnly() {
        NetworkPolicy anyPort = np("any").withNewSpec().withNewPodSelector().endPodSelector()
                .addNewEgress().addNewTo().withNewNamespaceSelector().endNamespaceSelector().endTo().endEgress()
                .withPolicyTypes("Ingress", "Egress").endSpec().build();
        NetworkPolicy https = np("https").withNewSpec().withNewPodSelector().endPodSelector()
                .addNewEgress().addNewPort().withPort(new IntOrString(443)).endPort().endEgress()
                .withPolicyTypes("Egress").endSpec().build();
        assertThat(judge(anyPort).message()).contains("[Egress]");
        assertThat(judge(denyAll("in", "Ingress"), https).message()).contains("[Egress]");
    }

    @Test
    void matchingManagedPolicyPasses() {
        NetworkPolicy desired = (NetworkPolicy) ((Remediation.Apply) judge().remediation()).desired();
        assertThat(judge(desired).result()).isEqualTo(Result.PASS);
    }

    @Test
    void driftedManagedPolicyIsRestoredEvenWhenStillDenying() {
        NetworkPolicy desired = (NetworkPolicy) ((Remediation.Apply) judge().remediation()).desired();
        NetworkPolicy edited = new NetworkPolicyBuilder(desired).editSpec().withEgress(List.of()).endSpec().build();
        Finding f = judge(edited);
        assertThat(f.result()).isEqualTo(Result.FAIL);
        assertThat(f.reason()).isEqualTo("ManagedPolicyDrifted");
        assertThat(f.remediation().summary()).startsWith("restore NetworkPolicy team/evident-default-deny");

        NetworkPolicy opened = new NetworkPolicyBuilder(desired).editSpec().addNewIngress().endIngress().endSpec().build();
        assertThat(judge(opened).reason()).isEqualTo("ManagedPolicyDrifted");
    }

    @Test
    void unmanagedObjectWithTheManagedNameIsNeverTouched() {
        NetworkPolicy squatter = np("evident-default-deny").withNewSpec().withNewPodSelector().addToMatchLabels("a", "b").endPodSelector().endSpec().build();
        Finding f = judge(squatter);
        assertThat(f.result()).isEqualTo(Result.FAIL);
        assertThat(f.reason()).isEqualTo("NameConflict");
        assertThat(f.remediation()).isNull();
    }

    @Test
    void operatorNamespaceIsReportedNotRemediated() {
        Finding f = judgeWith(BOTH, "team");
        assertThat(f.result()).isEqualTo(Result.FAIL);
        assertThat(f.remediation()).isNull();
        assertThat(f.message()).contains("operator's own namespace");
    }

    @Test
    void terminatingNamespaceIsNotApplicableWhenFailing() {
        var terminating = new NamespaceBuilder(namespace("gone")).withNewStatus().withPhase("Terminating").endStatus().build();
        var evaluation = new Engine(StandardControls.catalog(), null).evaluate(BOTH, InMemorySnapshot.of(NOW, terminating));
        assertThat(evaluation.findings()).singleElement().satisfies(f -> {
            assertThat(f.result()).isEqualTo(Result.NOT_APPLICABLE);
            assertThat(f.reason()).isEqualTo("NamespaceTerminating");
        });
    }
}

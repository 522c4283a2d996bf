package dev.evident.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.evident.api.v1alpha1.ControlPolicy;
import dev.evident.api.v1alpha1.ControlSpec;
import dev.evident.api.v1alpha1.Mode;
import dev.evident.api.v1alpha1.NetworkDefaultDenySpec;
import dev.evident.api.v1alpha1.PodSecurityLevelSpec;
import dev.evident.controls.network.NetworkDefaultDeny;
import dev.evident.engine.Labels;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The operator against the Fabric8 mock API server. Each test works on namespaces carrying its own
 * label and a policy selecting only that label, so tests cannot see each other's objects.
 */
@QuarkusTest
@QuarkusTestResource(MockKubernetes.class)
class ControlPolicyReconcilerTest {
    private static final Duration WAIT = Duration.ofSeconds(15);

    @Inject
    KubernetesClient client;

    @ConfigProperty(name = "quarkus.http.test-port", defaultValue = "8081")
    int httpPort;

    @BeforeAll
    static void speedUp() {
        org.awaitility.Awaitility.setDefaultPollInterval(Duration.ofMillis(50));
        org.awaitility.Awaitility.ignoreExceptionsByDefault();
    }

    @AfterEach
    void deletePolicies() {
        client.resources(ControlPolicy.class).delete();
    }

    @Test
    void enforceCreatesPoliciesAndLabelsInSelectedNamespacesOnly() {
        namespace("sel-a", "enforce-1", null);
        namespace("sel-b", "enforce-1", null);
        namespace("other", "someone-else", null);
        namespace("kube-system", "enforce-1", null);
        apply(policy("enforce-1", Mode.Enforce, "enforce-1"));

        await().atMost(WAIT).untilAsserted(() -> {
            assertThat(managedPolicy("sel-a")).isPresent();
            assertThat(managedPolicy("sel-b")).isPresent();
            assertThat(pssLabel("sel-a")).isEqualTo("restricted");
            assertThat(pssLabel("sel-b")).isEqualTo("restricted");
        });
        NetworkPolicy created = managedPolicy("sel-a").orElseThrow();
        assertThat(created.getMetadata().getLabels())
                .containsEntry(Labels.MANAGED_BY, "evident")
                .containsEntry(Labels.POLICY, "enforce-1")
                .containsEntry(Labels.CONTROL, "NET-001");
        assertThat(created.getMetadata().getOwnerReferences()).singleElement()
                .satisfies(o -> assertThat(o.getKind()).isEqualTo("ControlPolicy"));
        assertThat(created.getSpec().getPolicyTypes()).containsExactly("Ingress", "Egress");
        assertThat(created.getSpec().getEgress()).singleElement()
                .satisfies(rule -> assertThat(rule.getPorts()).extracting(p -> p.getPort().getIntVal()).containsOnly(53));
        // Not selected (wrong label) and excluded by default (kube-system): untouched.
        assertThat(managedPolicy("other")).isEmpty();
        assertThat(pssLabel("other")).isNull();
        assertThat(managedPolicy("kube-system")).isEmpty();
        assertThat(pssLabel("kube-system")).isNull();

        await().atMost(WAIT).untilAsserted(() -> {
            ControlPolicy p = get("enforce-1");
            assertThat(condition(p, "Ready").getStatus()).isEqualTo("True");
            assertThat(condition(p, "Compliant").getStatus()).isEqualTo("True");
            assertThat(p.getStatus().getScore()).isEqualTo(100.0);
            assertThat(p.getStatus().getControls()).extracting(c -> c.getRemediated()).containsExactly(2L, 2L);
        });
    }

    @Test
    void driftOfManagedPolicyAndLabelIsRepaired() {
        namespace("drift-a", "drift", null);
        apply(policy("drift", Mode.Enforce, "drift"));
        await().atMost(WAIT).until(() -> managedPolicy("drift-a").isPresent());

        // Deleted: recreated.
        client.network().v1().networkPolicies().inNamespace("drift-a").withName(NetworkDefaultDeny.MANAGED_NAME).delete();
        await().atMost(WAIT).untilAsserted(() -> assertThat(managedPolicy("drift-a")).isPresent());

        // Edited to allow all ingress: restored.
        client.network().v1().networkPolicies().inNamespace("drift-a").withName(NetworkDefaultDeny.MANAGED_NAME)
                .edit(np -> new NetworkPolicyBuilder(np).editSpec().addNewIngress().endIngress().endSpec().build());
        await().atMost(WAIT).untilAsserted(() ->
                assertThat(managedPolicy("drift-a").orElseThrow().getSpec().getIngress()).isNullOrEmpty());

        // Label lowered: raised again.
        client.namespaces().withName("drift-a").edit(ns -> new NamespaceBuilder(ns).editMetadata()
                .addToLabels(Labels.PSS_ENFORCE, "privileged").endMetadata().build());
        await().atMost(WAIT).untilAsserted(() -> assertThat(pssLabel("drift-a")).isEqualTo("restricted"));

        await().atMost(WAIT).untilAsserted(() -> {
            assertThat(events("drift")).extracting(Event::getReason).contains("DriftDetected", "Remediated");
            assertThat(metrics()).containsPattern("evident_drift_detected_total\\{control=\"NET-001\",policy=\"drift\"} [1-9]");
        });
    }

    @Test
    void newNamespaceIsCovered() {
        namespace("late-a", "late", null);
        apply(policy("late", Mode.Enforce, "late"));
        await().atMost(WAIT).until(() -> managedPolicy("late-a").isPresent());

        namespace("late-b", "late", null);
        await().atMost(WAIT).untilAsserted(() -> {
            assertThat(managedPolicy("late-b")).isPresent();
            assertThat(pssLabel("late-b")).isEqualTo("restricted");
        });
        // Non-compliant on arrival is a new violation, not drift: creating a namespace is not an incident.
        await().atMost(WAIT).untilAsserted(() -> {
            assertThat(events("late")).extracting(Event::getReason).contains("NewViolation", "Remediated").doesNotContain("DriftDetected");
            assertThat(metrics()).containsPattern("evident_new_violations_total\\{control=\"NET-001\",policy=\"late\"} [1-9]")
                    .doesNotContain("evident_drift_detected_total{control=\"NET-001\",policy=\"late\"}");
        });
    }

    @Test
    void aSelectorThatMatchesNothingIsNotCompliance() {
        namespace("nothing-a", "someone-else", null);
        apply(policy("nothing", Mode.Audit, "no-such-namespace"));
        await().atMost(WAIT).untilAsserted(() -> {
            ControlPolicy p = get("nothing");
            Condition compliant = condition(p, "Compliant");
            assertThat(compliant.getStatus()).isEqualTo("Unknown");
            assertThat(compliant.getReason()).isEqualTo("NothingSelected");
            assertThat(p.getStatus().getScore()).isNull();
            assertThat(metrics()).contains("evident_last_evaluation_timestamp_seconds{policy=\"nothing\"}")
                    .doesNotContain("evident_compliance_score{policy=\"nothing\"}");
        });
    }

    @Test
    void auditModeWritesNothingButStatus() {
        namespace("audit-a", "audit", Map.of(Labels.PSS_ENFORCE, "baseline"));
        String versionBefore = client.namespaces().withName("audit-a").get().getMetadata().getResourceVersion();
        apply(policy("audit", Mode.Audit, "audit"));

        await().atMost(WAIT).untilAsserted(() -> {
            ControlPolicy p = get("audit");
            assertThat(p.getStatus().getViolations().getTotal()).isEqualTo(2);
            assertThat(condition(p, "Compliant").getStatus()).isEqualTo("False");
            assertThat(p.getStatus().getScore()).isEqualTo(0.0);
            assertThat(p.getStatus().getViolations().getItems()).extracting(v -> v.getReason())
                    .containsExactlyInAnyOrder("DefaultDenyMissing", "LevelTooLow");
        });
        assertThat(client.network().v1().networkPolicies().inNamespace("audit-a").list().getItems()).isEmpty();
        assertThat(client.namespaces().withName("audit-a").get().getMetadata().getResourceVersion()).isEqualTo(versionBefore);
        assertThat(pssLabel("audit-a")).isEqualTo("baseline");
    }

    @Test
    void usersCompliantPolicyIsLeftAlone() {
        namespace("own-a", "own", Map.of(Labels.PSS_ENFORCE, "restricted"));
        NetworkPolicy users = client.network().v1().networkPolicies().inNamespace("own-a").resource(new NetworkPolicyBuilder()
                .withNewMetadata().withName("team-deny-all").endMetadata()
                .withNewSpec().withNewPodSelector().endPodSelector().withPolicyTypes("Ingress", "Egress").endSpec()
                .build()).create();
        apply(policy("own", Mode.Enforce, "own"));

        await().atMost(WAIT).untilAsserted(() -> {
            ControlPolicy p = get("own");
            assertThat(condition(p, "Compliant").getStatus()).isEqualTo("True");
        });
        assertThat(client.network().v1().networkPolicies().inNamespace("own-a").list().getItems())
                .singleElement()
                .satisfies(np -> assertThat(np.getMetadata().getResourceVersion()).isEqualTo(users.getMetadata().getResourceVersion()));
    }

    @Test
    void invalidPolicyIsReportedWhileValidOneKeepsWorking() {
        namespace("inv-a", "inv", null);
        ControlPolicy invalid = policy("inv-bad", Mode.Enforce, "inv");
        invalid.getSpec().getControls().get(1).setId("NET-001");
        apply(invalid);
        apply(policy("inv-good", Mode.Enforce, "inv"));

        await().atMost(WAIT).untilAsserted(() -> {
            Condition ready = condition(get("inv-bad"), "Ready");
            assertThat(ready.getStatus()).isEqualTo("False");
            assertThat(ready.getReason()).isEqualTo("InvalidSpec");
            assertThat(ready.getMessage()).contains("spec.controls[1].id").contains("duplicate");
            assertThat(condition(get("inv-good"), "Ready").getStatus()).isEqualTo("True");
            assertThat(managedPolicy("inv-a")).isPresent();
            assertThat(metrics()).contains("evident_policy_valid{policy=\"inv-bad\"} 0.0");
        });
    }

    @Test
    void statusAndMetricsCarryTheCounts() throws Exception {
        namespace("cnt-a", "cnt", Map.of(Labels.PSS_ENFORCE, "restricted"));
        namespace("cnt-b", "cnt", null);
        apply(policy("cnt", Mode.Audit, "cnt"));

        await().atMost(WAIT).untilAsserted(() -> {
            ControlPolicy p = get("cnt");
            assertThat(p.getStatus().getObservedGeneration()).isEqualTo(p.getMetadata().getGeneration());
            assertThat(p.getStatus().getSpecHash()).startsWith("sha256:");
            assertThat(p.getStatus().getControlCount()).isEqualTo(2);
            assertThat(p.getStatus().getScore()).isEqualTo(25.0);
            assertThat(p.getStatus().getControls()).extracting(c -> c.getId() + ":" + c.getCompliant() + "/" + c.getViolating())
                    .containsExactly("NET-001:0/2", "PSS-001:1/1");
            assertThat(condition(p, "Compliant").getObservedGeneration()).isEqualTo(p.getMetadata().getGeneration());
            String metrics = metrics();
            assertThat(metrics).contains("evident_compliance_score{policy=\"cnt\"} 25.0");
            assertThat(metrics).contains("evident_control_findings{control=\"NET-001\",criterion=\"CC6.6\",policy=\"cnt\",result=\"fail\",type=\"NetworkDefaultDeny\"} 2.0");
            assertThat(metrics).contains("evident_control_findings{control=\"PSS-001\",criterion=\"CC6.8\",policy=\"cnt\",result=\"pass\",type=\"PodSecurityLevel\"} 1.0");
            assertThat(metrics).containsPattern("evident_last_evaluation_timestamp_seconds\\{policy=\"cnt\"} 1\\.\\d+E9");
        });
        // Unchanged cluster: the status is not rewritten.
        String version = get("cnt").getMetadata().getResourceVersion();
        client.namespaces().withName("cnt-b").edit(ns -> new NamespaceBuilder(ns).editMetadata().addToAnnotations("touched", "yes").endMetadata().build());
        Thread.sleep(500);
        assertThat(get("cnt").getMetadata().getResourceVersion()).isEqualTo(version);
    }

    @Test
    void deletingAPolicyIsRecordedWithTheManagedObjectsItRemoves() {
        namespace("del-a", "del", null);
        apply(policy("del", Mode.Enforce, "del"));
        await().atMost(WAIT).until(() -> managedPolicy("del-a").isPresent());
        assertThat(get("del").getMetadata().getFinalizers()).isNotEmpty();

        // The mock server answers the finalizer removal with an empty body (a real API server returns
        // the object), so whether the policy object disappears is checked on a real server (OperatorIT).
        client.resources(ControlPolicy.class).withName("del").delete();
        await().atMost(WAIT).untilAsserted(() -> {
            assertThat(events("del")).as(() -> "all events: " + client.v1().events().inAnyNamespace().list().getItems().stream().map(e -> e.getMetadata().getNamespace() + "/" + e.getInvolvedObject().getName() + ":" + e.getReason()).toList()).filteredOn(e -> "PolicyDeleted".equals(e.getReason())).first()
                    .satisfies(e -> assertThat(e.getMessage()).contains("NetworkPolicy del-a/evident-default-deny")
                            .contains("labels set on Namespaces are left in place"));
            // Every series of the deleted policy goes, counters included.
            assertThat(metrics()).doesNotContain("policy=\"del\"");
        });
    }

    @Test
    void readinessIsUpOnceInformersSynced() {
        await().atMost(WAIT).untilAsserted(() -> assertThat(http("/q/health/ready")).contains("\"status\": \"UP\"")
                .contains("evident operator").doesNotContain("Quarkus Operator SDK health check"));
    }

    // --- helpers ---

    private ControlPolicy policy(String name, Mode mode, String selectorValue) {
        ControlPolicy p = new ControlPolicy();
        p.getMetadata().setName(name);
        p.setSpec(new dev.evident.api.v1alpha1.ControlPolicySpec());
        p.getSpec().setMode(mode);
        p.getSpec().setNamespaceSelector(new io.fabric8.kubernetes.api.model.LabelSelectorBuilder()
                .addToMatchLabels("test", selectorValue).build());
        ControlSpec net = new ControlSpec();
        net.setId("NET-001");
        net.setType(NetworkDefaultDeny.TYPE);
        net.setNetworkDefaultDeny(new NetworkDefaultDenySpec());
        ControlSpec pss = new ControlSpec();
        pss.setId("PSS-001");
        pss.setType("PodSecurityLevel");
        PodSecurityLevelSpec level = new PodSecurityLevelSpec();
        level.setLevel("restricted");
        pss.setPodSecurityLevel(level);
        p.getSpec().setControls(List.of(net, pss));
        return p;
    }

    private void apply(ControlPolicy policy) {
        client.resource(policy).create();
    }

    private ControlPolicy get(String name) {
        return client.resources(ControlPolicy.class).withName(name).get();
    }

    private void namespace(String name, String testLabel, Map<String, String> labels) {
        Namespace ns = new NamespaceBuilder().withNewMetadata().withName(name).addToLabels("test", testLabel)
                .addToLabels(labels == null ? Map.of() : labels).endMetadata().build();
        client.namespaces().resource(ns).create();
    }

    private Optional<NetworkPolicy> managedPolicy(String namespace) {
        return Optional.ofNullable(client.network().v1().networkPolicies().inNamespace(namespace)
                .withName(NetworkDefaultDeny.MANAGED_NAME).get());
    }

    private String pssLabel(String namespace) {
        Map<String, String> labels = client.namespaces().withName(namespace).get().getMetadata().getLabels();
        return labels == null ? null : labels.get(Labels.PSS_ENFORCE);
    }

    private static Condition condition(ControlPolicy policy, String type) {
        assertThat(policy.getStatus()).as("status of " + policy.getMetadata().getName()).isNotNull();
        return policy.getStatus().getConditions().stream().filter(c -> type.equals(c.getType())).findFirst()
                .orElseThrow(() -> new AssertionError("no condition " + type));
    }

    private List<Event> events(String policy) {
        return client.v1().events().inNamespace(EventRecorder.EVENT_NAMESPACE).list().getItems().stream()
                .filter(e -> policy.equals(e.getInvolvedObject().getName())).toList();
    }

    private String metrics() {
        return http("/q/metrics");
    }

    private String http(String path) {
        try {
            return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(java.time.Duration.ofSeconds(10)).build().send(HttpRequest.newBuilder(URI.create("http://localhost:" + httpPort + path)).timeout(java.time.Duration.ofSeconds(30)).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}

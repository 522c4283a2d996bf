package dev.evident.operator;

import static dev.evident.engine.Fixtures.networkDefaultDeny;
import static dev.evident.engine.Fixtures.podSecurityLevel;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.evident.api.v1alpha1.ControlPolicy;
import dev.evident.api.v1alpha1.ControlSummary;
import dev.evident.api.v1alpha1.Mode;
import dev.evident.controls.network.NetworkDefaultDeny;
import dev.evident.engine.ControlEvaluation;
import dev.evident.engine.Fixtures;
import dev.evident.engine.Labels;
import dev.evident.engine.PolicyEvaluation;
import dev.evident.engine.Result;
import dev.evident.evidence.ChainVerifier;
import dev.evident.evidence.EvidenceFiles;
import dev.evident.evidence.EvidenceRecord;
import dev.evident.evidence.EvidenceRecorder;
import dev.evident.testing.FaultInjectingDispatcher;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyBuilder;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The operator under API faults on the mock server ({@link FaultInjectingDispatcher}): while an Enforce policy rolls
 * out and users cause drift, a share of its requests fail with 500 and 429, a share of its writes with 409, and
 * its watches get 410 Gone. Once the faults stop, the cluster converges to the policy with no managed object
 * duplicated and no object of users written (every write the server saw is checked), status and metrics agree
 * with a fresh evaluation, and the evidence chain is intact with the last verdict of every namespace recorded.
 * The operator never stops: it keeps reconciling (and its readiness holds) throughout.
 */
@QuarkusTest
class FaultInjectionTest {
    private static final String POLICY = "faults";
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final Pattern WRITE = Pattern.compile("(\\S+) (\\S+) (\\S*) (\\d+)");

    @Inject
    KubernetesClient operatorClient;

    @Inject
    ControlPolicyReconciler reconciler;

    @Inject
    EvidenceRecorder recorder;

    @Inject
    Clock clock;

    @ConfigProperty(name = "quarkus.http.test-port", defaultValue = "8081")
    int httpPort;

    private KubernetesClient client;

    @AfterEach
    void stopFaults() throws Exception {
        faults("");
        if (client != null) {
            client.resources(ControlPolicy.class).withName(POLICY).delete();
            client.close();
        }
    }

    @Test
    void convergesExactlyAfterErrorsConflictsAndLostWatches() throws Exception {
        // The test's own requests impersonate a user the fault layer spares.
        client = new KubernetesClientBuilder().withConfig(new ConfigBuilder(operatorClient.getConfiguration())
                .withImpersonateUsername(FaultInjectingDispatcher.EXEMPT_USER).build()).build();
        Set<String> namespaces = new HashSet<>();
        Map<String, String> usersPolicies = new HashMap<>();
        for (int i = 0; i < 8; i++) {
            String ns = "fault-" + i;
            namespaces.add(ns);
            namespace(ns, null);
            if (i % 2 == 0) {
                NetworkPolicy users = client.network().v1().networkPolicies().inNamespace(ns).resource(new NetworkPolicyBuilder()
                        .withNewMetadata().withName("allow-web").endMetadata().withNewSpec().withNewPodSelector()
                        .addToMatchLabels("app", "web").endPodSelector().addNewIngress().endIngress().endSpec().build()).create();
                usersPolicies.put(ns, users.getMetadata().getResourceVersion());
            }
        }
        namespace("fault-other", null); // not selected: never written
        http("DELETE", "/faults/writes");

        faults("error500=0.2&error429=0.1&conflict409=0.25&gone410=0.5");
        ControlPolicy policy = Fixtures.policy(POLICY, Mode.Enforce, networkDefaultDeny("NET-001", true), podSecurityLevel("PSS-001", "restricted"));
        policy.getSpec().setNamespaceSelector(new LabelSelectorBuilder().addToMatchLabels("test", POLICY).build());
        client.resource(policy).create();
        Thread.sleep(3_000);
        // Drift and new namespaces during the faults.
        for (int i = 0; i < 3; i++) {
            client.network().v1().networkPolicies().inNamespace("fault-" + i).withName(NetworkDefaultDeny.MANAGED_NAME).delete();
        }
        client.namespaces().withName("fault-5").edit(ns -> new NamespaceBuilder(ns).editMetadata()
                .addToLabels(Labels.PSS_ENFORCE, "privileged").endMetadata().build());
        for (int i = 8; i < 10; i++) {
            namespaces.add("fault-" + i);
            namespace("fault-" + i, null);
        }
        Thread.sleep(4_000);
        faults("");

        await().atMost(WAIT).pollInterval(Duration.ofMillis(200)).ignoreExceptions().untilAsserted(() -> {
            for (String ns : namespaces) {
                List<NetworkPolicy> managed = client.network().v1().networkPolicies().inNamespace(ns)
                        .withLabel(Labels.POLICY, POLICY).list().getItems();
                assertThat(managed).as("managed policies in %s", ns).singleElement()
                        .satisfies(np -> assertThat(np.getMetadata().getName()).isEqualTo(NetworkDefaultDeny.MANAGED_NAME))
                        .satisfies(np -> assertThat(np.getSpec().getIngress()).isNullOrEmpty());
                assertThat(client.namespaces().withName(ns).get().getMetadata().getLabels()).containsEntry(Labels.PSS_ENFORCE, "restricted");
            }
            ControlPolicy current = client.resources(ControlPolicy.class).withName(POLICY).get();
            assertThat(current.getStatus().getConditions()).filteredOn(c -> c.getType().equals("Compliant")).singleElement()
                    .satisfies(c -> assertThat(c.getStatus()).isEqualTo("True"));
            assertThat(current.getStatus().getControls()).extracting(ControlSummary::getCompliant).containsExactly(10, 10);
        });

        // Users' objects untouched, and nothing outside the policy's reach written.
        usersPolicies.forEach((ns, version) -> assertThat(client.network().v1().networkPolicies().inNamespace(ns).withName("allow-web").get()
                .getMetadata().getResourceVersion()).as("users' policy in %s", ns).isEqualTo(version));
        assertThat(client.namespaces().withName("fault-other").get().getMetadata().getLabels()).doesNotContainKey(Labels.PSS_ENFORCE);
        List<String> writes = http("GET", "/faults/writes").lines().filter(l -> !l.isBlank()).toList();
        assertThat(writes).as("the faults were exercised").anyMatch(w -> w.endsWith(" 500")).anyMatch(w -> w.endsWith(" 409"));
        for (String write : writes) {
            Matcher m = WRITE.matcher(write);
            assertThat(m.matches()).as(write).isTrue();
            assertThat(allowed(m.group(1), m.group(2).replaceAll("\\?.*", ""), m.group(3), namespaces)).as("operator wrote %s", write).isTrue();
        }

        // Status and metrics are those of a fresh evaluation.
        await().atMost(WAIT).ignoreExceptions().untilAsserted(() -> {
            ControlPolicy current = client.resources(ControlPolicy.class).withName(POLICY).get();
            PolicyEvaluation fresh = reconciler.evaluateLive(current, clock.instant());
            assertThat(current.getStatus().getScore()).isEqualTo(fresh.score());
            assertThat(current.getStatus().getControls()).extracting(ControlSummary::getViolating)
                    .containsExactlyElementsOf(fresh.controls().stream().map(c -> (int) c.count(Result.FAIL)).toList());
            String metrics = http("GET", "http://localhost:" + httpPort + "/q/metrics");
            for (ControlEvaluation c : fresh.controls()) {
                assertThat(metrics).containsPattern("evident_control_findings\\{[^}]*control=\"" + c.id() + "\"[^}]*policy=\"" + POLICY
                        + "\",result=\"pass\"[^}]*} " + c.count(Result.PASS) + "\\.0");
            }
            assertThat(metrics).contains("evident_compliance_score{policy=\"" + POLICY + "\"} " + fresh.score());
        });

        // The evidence chain holds, and its last verdict on each namespace is the current one.
        ChainVerifier.Verification verification = new ChainVerifier(List.of(), null).verify(recorder.directory());
        assertThat(verification.intact()).as(verification.problem()).isTrue();
        Map<String, String> last = new HashMap<>();
        List<Long> seqs = new ArrayList<>();
        for (EvidenceRecord r : EvidenceFiles.records(recorder.directory())) {
            seqs.add(r.seq());
            if (POLICY.equals(r.data().path("policy").asText()) && "finding".equals(r.type())) {
                last.put(r.data().path("control").asText() + " " + r.data().path("name").asText(), r.data().path("result").asText());
            }
        }
        assertThat(seqs).doesNotHaveDuplicates().isSorted();
        for (String ns : namespaces) {
            assertThat(last).containsEntry("NET-001 " + ns, "pass").containsEntry("PSS-001 " + ns, "pass");
        }
        assertThat(http("GET", "http://localhost:" + httpPort + "/q/health/ready")).contains("UP");
    }

    /** What the operator may write for this policy: its managed policies and labels in selected namespaces, its status, Events. */
    private static boolean allowed(String method, String path, String createdName, Set<String> namespaces) {
        Matcher np = Pattern.compile("/apis/networking.k8s.io/v1/namespaces/([^/]+)/networkpolicies(?:/([^/]+))?").matcher(path);
        if (np.matches()) {
            String name = np.group(2) != null ? np.group(2) : createdName;
            return namespaces.contains(np.group(1)) && NetworkDefaultDeny.MANAGED_NAME.equals(name) && !"DELETE".equals(method);
        }
        Matcher ns = Pattern.compile("/api/v1/namespaces/([^/]+)").matcher(path);
        if (ns.matches()) {
            return namespaces.contains(ns.group(1)) && "PATCH".equals(method);
        }
        // Events are Evident's own records (about the cluster-scoped policy they land in "default").
        return path.matches("/api/v1/namespaces/[^/]+/events(/[^/]+)?")
                || path.matches("/apis/evident.dev/v1alpha1/controlpolicies/" + POLICY + "(/status)?");
    }

    private void namespace(String name, String level) {
        NamespaceBuilder ns = new NamespaceBuilder().withNewMetadata().withName(name).addToLabels("test", name.equals("fault-other") ? "other" : POLICY)
                .endMetadata();
        if (level != null) {
            ns.editMetadata().addToLabels(Labels.PSS_ENFORCE, level).endMetadata();
        }
        client.namespaces().resource(ns.build()).create();
    }

    private void faults(String query) throws Exception {
        http("POST", "/faults?" + query);
    }

    /** A request to the mock API server's fault control (a path) or to any URL. */
    private String http(String method, String target) throws Exception {
        String url = target.startsWith("http") ? target
                : operatorClient.getConfiguration().getMasterUrl().replaceAll("/$", "") + target;
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(java.time.Duration.ofSeconds(10)).build();
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(java.time.Duration.ofSeconds(30)).method(method, HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
        return response.body();
    }
}

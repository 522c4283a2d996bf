package dev.evident.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.evident.api.v1alpha1.ControlException;
import dev.evident.api.v1alpha1.ControlExceptionSpec;
import dev.evident.api.v1alpha1.ControlPolicy;
import dev.evident.api.v1alpha1.ControlSummary;
import dev.evident.api.v1alpha1.Mode;
import dev.evident.controls.network.NetworkDefaultDeny;
import dev.evident.engine.Fixtures;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * ControlExceptions live, against the Fabric8 mock API server: status, Events, metrics, no remediation of an
 * excepted finding, and expiry turning the finding back into a violation by a reconcile scheduled for that
 * instant (the resync is 10 minutes away), with the operator's injected clock as the time base.
 */
@QuarkusTest
@QuarkusTestResource(MockKubernetes.class)
class ControlExceptionReconcilerTest {
    private static final Duration WAIT = Duration.ofSeconds(20);

    @Inject
    KubernetesClient client;

    @Inject
    Clock clock;

    @ConfigProperty(name = "quarkus.http.test-port", defaultValue = "8081")
    int httpPort;

    @BeforeAll
    static void speedUp() {
        org.awaitility.Awaitility.setDefaultPollInterval(Duration.ofMillis(50));
        org.awaitility.Awaitility.ignoreExceptionsByDefault();
    }

    @Test
    void exceptsUntilExpiryThenTheFindingIsAViolationAgainAndIsRemediated() {
        namespace("cex-legacy", "cex");
        namespace("cex-app", "cex");
        Instant expiresAt = clock.instant().plusSeconds(8).truncatedTo(ChronoUnit.SECONDS);
        client.resource(exception("cex-waiver", "cex", List.of("NET-001"), List.of("cex-legacy"), expiresAt.toString())).create();
        client.resource(enforcePolicy("cex")).create();

        await().atMost(WAIT).untilAsserted(() -> {
            ControlException e = client.resources(ControlException.class).withName("cex-waiver").get();
            assertThat(e.getStatus().getState()).isEqualTo("Active");
            assertThat(e.getStatus().getCoveredCount()).isEqualTo(1);
            assertThat(e.getStatus().getCovered()).singleElement().satisfies(v -> assertThat(v.getNamespace()).isEqualTo("cex-legacy"));
            assertThat(e.getStatus().getUnused()).isFalse();
            assertThat(e.getStatus().getConditions()).singleElement().satisfies(c -> {
                assertThat(c.getStatus()).isEqualTo("True");
                assertThat(c.getReason()).isEqualTo("Active");
            });
            assertThat(netSummary("cex").getExcepted()).isEqualTo(1);
            assertThat(managedPolicy("cex-app")).as("remediated").isTrue();
            assertThat(metrics()).contains("evident_exceptions{policy=\"cex\",state=\"Active\"} 1.0")
                    .containsPattern("evident_exception_expiry_timestamp_seconds\\{exception=\"cex-waiver\"} 1\\.\\d+E9");
            assertThat(events("cex-waiver")).extracting(Event::getReason).contains("ExceptionActive");
        });
        if (clock.instant().isBefore(expiresAt)) {
            assertThat(managedPolicy("cex-legacy")).as("an excepted finding is never remediated").isFalse();
        }

        await().atMost(WAIT).untilAsserted(() -> {
            ControlException e = client.resources(ControlException.class).withName("cex-waiver").get();
            assertThat(e.getStatus().getState()).isEqualTo("Expired");
            assertThat(e.getStatus().getConditions()).singleElement().satisfies(c -> assertThat(c.getReason()).isEqualTo("Expired"));
            assertThat(events("cex-waiver")).filteredOn(ev -> "ExceptionExpired".equals(ev.getReason())).singleElement()
                    .satisfies(ev -> assertThat(ev.getMessage()).contains("NET-001 Namespace cex-legacy"));
            assertThat(managedPolicy("cex-legacy")).as("Enforce repairs it once the waiver has lapsed").isTrue();
            assertThat(metrics()).contains("evident_exceptions{policy=\"cex\",state=\"Expired\"} 1.0")
                    .contains("evident_exceptions{policy=\"cex\",state=\"Active\"} 0.0")
                    .doesNotContain("exception=\"cex-waiver\"");
        });
        // The waiver lapsing is not drift, nor a new violation: the ExceptionExpired Event says what happened.
        assertThat(events("cex")).extracting(Event::getReason).doesNotContain("DriftDetected", "NewViolation");
    }

    @Test
    void invalidAndOrphanedExceptionsAreReadyFalseAndExceptNothing() {
        namespace("cex-inv", "cex-inv");
        ControlPolicy policy = Fixtures.policy("cex-inv", Mode.Audit, Fixtures.networkDefaultDeny("NET-001", true));
        policy.getSpec().setNamespaceSelector(new LabelSelectorBuilder().addToMatchLabels("test", "cex-inv").build());
        client.resource(policy).create();
        String tooFar = clock.instant().plus(Duration.ofDays(200)).truncatedTo(ChronoUnit.SECONDS).toString();
        client.resource(exception("cex-too-long", "cex-inv", List.of("NET-001"), List.of("cex-inv"), tooFar)).create();
        String fine = clock.instant().plus(Duration.ofDays(10)).truncatedTo(ChronoUnit.SECONDS).toString();
        client.resource(exception("cex-orphan", "no-such-policy", List.of("NET-001"), List.of("cex-inv"), fine)).create();
        client.resource(exception("cex-unknown-control", "cex-inv", List.of("BAK-001"), List.of("cex-inv"), fine)).create();
        client.resource(exception("cex-unused", "cex-inv", List.of("NET-001"), List.of("elsewhere"), fine)).create();
        client.resource(Fixtures.policy("cex-broken", Mode.Audit, Fixtures.networkDefaultDeny("NET-001", true),
                Fixtures.networkDefaultDeny("NET-001", false))).create();
        client.resource(exception("cex-of-broken", "cex-broken", List.of("NET-001"), List.of("cex-inv"), fine)).create();

        await().atMost(WAIT).untilAsserted(() -> {
            assertInvalid("cex-too-long", "spec.expiresAt");
            assertInvalid("cex-orphan", "spec.policy: no ControlPolicy named no-such-policy");
            assertInvalid("cex-unknown-control", "spec.controls: policy cex-inv has no control BAK-001");
            assertInvalid("cex-of-broken", "spec.policy: ControlPolicy cex-broken is invalid (InvalidSpec) and not in force");
            ControlException unused = client.resources(ControlException.class).withName("cex-unused").get();
            assertThat(unused.getStatus().getState()).isEqualTo("Active");
            assertThat(unused.getStatus().getUnused()).isTrue();
            assertThat(netSummary("cex-inv").getViolating()).isEqualTo(1);
            assertThat(netSummary("cex-inv").getExcepted()).isZero();
            assertThat(metrics()).contains("evident_exceptions{policy=\"cex-inv\",state=\"Invalid\"} 2.0")
                    .contains("evident_exceptions{policy=\"no-such-policy\",state=\"Invalid\"} 1.0");
            assertThat(events("cex-orphan")).extracting(Event::getReason).contains("ExceptionInvalid");
        });

        client.resources(ControlException.class).withName("cex-unused").delete();
        await().atMost(WAIT).untilAsserted(() -> {
            assertThat(client.resources(ControlException.class).withName("cex-unused").get()).isNull();
            assertThat(events("cex-unused")).extracting(Event::getReason).contains("ExceptionDeleted");
            assertThat(metrics()).contains("evident_exceptions{policy=\"cex-inv\",state=\"Active\"} 0.0");
        });
    }

    private void assertInvalid(String name, String problem) {
        ControlException e = client.resources(ControlException.class).withName(name).get();
        assertThat(e.getStatus().getState()).as(name).isEqualTo("Invalid");
        assertThat(e.getStatus().getConditions()).singleElement().satisfies(c -> {
            assertThat(c.getStatus()).isEqualTo("False");
            assertThat(c.getReason()).isEqualTo("InvalidSpec");
            assertThat(c.getMessage()).contains(problem).contains("nothing is excepted");
        });
    }

    static ControlException exception(String name, String policy, List<String> controls, List<String> namespaces, String expiresAt) {
        ControlException e = new ControlException();
        e.getMetadata().setName(name);
        ControlExceptionSpec spec = new ControlExceptionSpec();
        spec.setPolicy(policy);
        spec.setControls(controls);
        spec.setNamespaces(namespaces);
        spec.setJustification("Rebuilt from source on every deploy; holds no state.");
        spec.setApprovedBy("security-lead@example.com");
        spec.setTicket("SEC-1234");
        spec.setExpiresAt(expiresAt);
        e.setSpec(spec);
        return e;
    }

    private static ControlPolicy enforcePolicy(String name) {
        ControlPolicy policy = Fixtures.policy(name, Mode.Enforce, Fixtures.networkDefaultDeny("NET-001", true));
        policy.getSpec().setNamespaceSelector(new LabelSelectorBuilder().addToMatchLabels("test", name).build());
        return policy;
    }

    private ControlSummary netSummary(String policy) {
        return client.resources(ControlPolicy.class).withName(policy).get().getStatus().getControls().stream()
                .filter(c -> "NET-001".equals(c.getId())).findFirst().orElseThrow();
    }

    private void namespace(String name, String testLabel) {
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(name).addToLabels("test", testLabel).endMetadata().build())
                .create();
    }

    private boolean managedPolicy(String namespace) {
        return client.network().v1().networkPolicies().inNamespace(namespace).withName(NetworkDefaultDeny.MANAGED_NAME).get() != null;
    }

    private List<Event> events(String involved) {
        return client.v1().events().inNamespace(EventRecorder.EVENT_NAMESPACE).list().getItems().stream()
                .filter(e -> involved.equals(e.getInvolvedObject().getName())).toList();
    }

    private String metrics() {
        try {
            return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(java.time.Duration.ofSeconds(10)).build().send(HttpRequest.newBuilder(URI.create("http://localhost:" + httpPort + "/q/metrics")).timeout(java.time.Duration.ofSeconds(30)).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}

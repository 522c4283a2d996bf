package dev.evident.operator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.evident.api.v1alpha1.ControlPolicy;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.MockWebServer;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class EventRecorderTest {
    private KubernetesMockServer server;
    private KubernetesClient client;
    private final RemediationBudgetTest.ManualClock clock = new RemediationBudgetTest.ManualClock();
    private EventRecorder recorder;
    private final ControlPolicy policy = new ControlPolicy();

    @BeforeEach
    void start() {
        server = new KubernetesMockServer(new io.fabric8.mockwebserver.Context(), new MockWebServer(), new HashMap<>(),
                new KubernetesCrudDispatcher(List.of()), false);
        server.init();
        client = server.createClient();
        recorder = new EventRecorder(client, clock);
        policy.getMetadata().setName("p");
        policy.getMetadata().setUid("uid-1");
    }

    @AfterEach
    void stop() {
        client.close();
        server.destroy();
    }

    private List<Event> events() {
        return client.v1().events().inNamespace(EventRecorder.EVENT_NAMESPACE).list().getItems();
    }

    @Test
    void eventNamesThePolicyAndTheComponent() {
        recorder.warning(policy, "DriftDetected", "NET-001 Namespace web: DefaultDenyMissing");
        assertThat(events()).singleElement().satisfies(e -> {
            assertThat(e.getInvolvedObject().getKind()).isEqualTo("ControlPolicy");
            assertThat(e.getInvolvedObject().getApiVersion()).isEqualTo("evident.dev/v1alpha1");
            assertThat(e.getInvolvedObject().getName()).isEqualTo("p");
            assertThat(e.getInvolvedObject().getUid()).isEqualTo("uid-1");
            assertThat(e.getType()).isEqualTo("Warning");
            assertThat(e.getReason()).isEqualTo("DriftDetected");
            assertThat(e.getSource().getComponent()).isEqualTo("evident");
            assertThat(e.getCount()).isEqualTo(1);
        });
    }

    @Test
    void repeatsWithinTheWindowRaiseTheCount() {
        recorder.warning(policy, "RemediationFailed", "RBAC-001: forbidden");
        clock.advance(Duration.ofSeconds(30));
        recorder.warning(policy, "RemediationFailed", "RBAC-001: forbidden");
        recorder.warning(policy, "RemediationFailed", "RBAC-001: forbidden");
        recorder.warning(policy, "RemediationFailed", "TLS-001: conflict");
        assertThat(events()).hasSize(2);
        assertThat(events()).filteredOn(e -> e.getMessage().startsWith("RBAC-001")).singleElement()
                .satisfies(e -> assertThat(e.getCount()).isEqualTo(3));

        clock.advance(EventRecorder.AGGREGATION_WINDOW);
        recorder.warning(policy, "RemediationFailed", "RBAC-001: forbidden");
        assertThat(events()).hasSize(3);
    }

    @Test
    void aDeletedEventIsRecordedAfresh() {
        recorder.normal(policy, "Remediated", "NET-001: create NetworkPolicy web/evident-default-deny");
        client.v1().events().inNamespace(EventRecorder.EVENT_NAMESPACE).delete();
        recorder.normal(policy, "Remediated", "NET-001: create NetworkPolicy web/evident-default-deny");
        assertThat(events()).singleElement().satisfies(e -> assertThat(e.getCount()).isEqualTo(1));
    }

    @Test
    void aRolloutIsBoundedToTenEventsAMinutePerReasonPlusOneSummary() {
        for (int i = 0; i < 500; i++) {
            recorder.warning(policy, "NewViolation", "NET-001 Namespace ns-" + i + ": DefaultDenyMissing");
        }
        assertThat(events()).hasSize(EventRecorder.MAX_PER_WINDOW);
        // Another reason has its own budget.
        recorder.normal(policy, "Remediated", "NET-001: create NetworkPolicy ns-0/evident-default-deny");
        assertThat(events()).hasSize(EventRecorder.MAX_PER_WINDOW + 1);

        assertThat(recorder.flush(policy)).as("a summary is due when the minute is over").isPresent();
        clock.advance(EventRecorder.SUMMARY_WINDOW);
        assertThat(recorder.flush(policy)).isEmpty();
        assertThat(events()).filteredOn(e -> e.getMessage().startsWith("490 more NewViolation Events")).singleElement()
                .satisfies(e -> {
                    assertThat(e.getType()).isEqualTo("Warning");
                    assertThat(e.getMessage()).contains("ns-10", "not recorded one by one");
                });
        assertThat(events()).hasSize(EventRecorder.MAX_PER_WINDOW + 2);
    }

    @Test
    void aDeletedPolicyGetsItsPendingSummary() {
        for (int i = 0; i < 12; i++) {
            recorder.warning(policy, "DriftDetected", "NET-001 Namespace ns-" + i);
        }
        recorder.forget(policy);
        assertThat(events()).filteredOn(e -> e.getMessage().startsWith("2 more DriftDetected")).hasSize(1);
    }

    @Test
    void aRepeatThatCannotBeCountedIsNotRecordedAsANewEvent() {
        // The shipped RBAC once lacked get on events: Fabric8's patch reads first, got 403, and every repeat became
        // a new Event. A refused count must not turn into a duplicate.
        recorder.normal(policy, "Remediated", "NET-001: create NetworkPolicy web/evident-default-deny");
        String name = events().get(0).getMetadata().getName();
        server.expect().get().withPath("/api/v1/namespaces/default/events/" + name).andReturn(403, "forbidden").always();
        recorder.normal(policy, "Remediated", "NET-001: create NetworkPolicy web/evident-default-deny");
        recorder.normal(policy, "Remediated", "NET-001: create NetworkPolicy web/evident-default-deny");
        assertThat(client.v1().events().inNamespace(EventRecorder.EVENT_NAMESPACE).list().getItems()).hasSize(1);
    }
}

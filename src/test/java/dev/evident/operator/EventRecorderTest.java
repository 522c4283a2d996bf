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
}

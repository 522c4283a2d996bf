package dev.evident.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.evident.api.v1alpha1.ControlPolicy;
import dev.evident.api.v1alpha1.Mode;
import dev.evident.controls.network.NetworkDefaultDeny;
import dev.evident.engine.Fixtures;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

/** With a low write budget, a new Enforce policy is remediated gradually and shows it in status. */
@QuarkusTest
@TestProfile(RemediationRateLimitTest.SlowWrites.class)
class RemediationRateLimitTest {
    public static class SlowWrites implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("evident.remediation.max-per-second", "4");
        }
    }

    @Inject
    KubernetesClient client;

    @Test
    void remediationsBeyondTheBudgetArePendingThenApplied() {
        for (int i = 0; i < 10; i++) {
            client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("rate-" + i)
                    .addToLabels("test", "rate").endMetadata().build()).create();
        }
        Set<String> reasonsSeen = ConcurrentHashMap.newKeySet();
        try (var watch = client.resources(ControlPolicy.class).withName("rate").watch(new Watcher<>() {
            @Override
            public void eventReceived(Action action, ControlPolicy p) {
                if (p.getStatus() != null) {
                    p.getStatus().getConditions().stream().filter(c -> "Compliant".equals(c.getType()))
                            .forEach(c -> reasonsSeen.add(c.getReason()));
                }
            }

            @Override
            public void onClose(WatcherException cause) {
            }
        })) {
            ControlPolicy policy = Fixtures.policy("rate", Mode.Enforce, Fixtures.networkDefaultDeny("NET-001", true));
            policy.getSpec().setNamespaceSelector(new LabelSelectorBuilder().addToMatchLabels("test", "rate").build());
            client.resource(policy).create();

            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                for (int i = 0; i < 10; i++) {
                    assertThat(client.network().v1().networkPolicies().inNamespace("rate-" + i)
                            .withName(NetworkDefaultDeny.MANAGED_NAME).get()).as("rate-" + i).isNotNull();
                }
                assertThat(reasonsSeen).contains("NoViolations");
            });
            assertThat(reasonsSeen).as("10 writes at 4/s cannot all go at once").contains("Remediating");
        }
    }
}

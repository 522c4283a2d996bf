package dev.evident.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.evident.api.v1alpha1.ControlPolicy;
import dev.evident.api.v1alpha1.Mode;
import dev.evident.engine.Fixtures;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/** The client JOSDK's informers use is the one that counts requests, and what it counts. */
@QuarkusTest
class ApiRequestMetricsOperatorTest {
    @Inject
    KubernetesClient operatorClient;

    @ConfigProperty(name = "quarkus.http.test-port", defaultValue = "8081")
    int httpPort;

    @Test
    void theOperatorsOwnRequestsAreCounted() throws Exception {
        await().atMost(Duration.ofSeconds(15)).ignoreExceptions().untilAsserted(() -> assertThat(metrics().lines()
                .filter(l -> l.startsWith("evident_api_requests_total{"))
                .filter(l -> l.contains("resource=\"controlpolicies\"") && l.contains("verb=\"watch\"")))
                .as("the ControlPolicy informer's watch").isNotEmpty());
        assertThat(metrics().lines().filter(l -> l.startsWith("evident_api_requests_total{"))
                .filter(l -> l.contains("resource=\"controlpolicies\"") && l.contains("verb=\"list\"") && l.contains("code=\"200\"")))
                .as("the ControlPolicy informer's list").isNotEmpty();
    }

    /** A status write is one PATCH: Fabric8 would read a policy patched by name from the server first. */
    @Test
    void aStatusWriteCostsNoRead() throws Exception {
        // The test's own requests go through a client of its own, so that the counters show only the operator's.
        try (KubernetesClient own = new KubernetesClientBuilder().withConfig(operatorClient.getConfiguration()).build()) {
            double reads = count("get", "controlpolicies");
            double statusWrites = count("patch", "controlpolicies/status");
            ControlPolicy policy = Fixtures.policy("status-cost", Mode.Audit, Fixtures.podSecurityLevel("PSS-001", "baseline"));
            policy.getSpec().setNamespaceSelector(new LabelSelectorBuilder().addToMatchLabels("test", "status-cost").build());
            own.resource(policy).create();
            try {
                await().atMost(Duration.ofSeconds(15)).ignoreExceptions().until(() -> own.resource(policy).get().getStatus().getObservedGeneration() != null);
                assertThat(count("patch", "controlpolicies/status")).isGreaterThan(statusWrites);
                assertThat(count("get", "controlpolicies")).isEqualTo(reads);
            } finally {
                own.resource(policy).delete();
            }
        }
    }

    private double count(String verb, String resource) throws Exception {
        return metrics().lines().filter(l -> l.startsWith("evident_api_requests_total{"))
                .filter(l -> l.contains("verb=\"" + verb + "\"") && l.contains("resource=\"" + resource + "\""))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
    }

    private String metrics() throws Exception {
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10)).build()
                .send(HttpRequest.newBuilder(URI.create("http://localhost:" + httpPort + "/q/metrics")).timeout(Duration.ofSeconds(30)).build(),
                        HttpResponse.BodyHandlers.ofString()).body();
    }
}

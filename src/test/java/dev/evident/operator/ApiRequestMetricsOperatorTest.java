package dev.evident.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.quarkus.test.junit.QuarkusTest;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/** The client JOSDK's informers use is the one that counts requests: its watches show on /q/metrics. */
@QuarkusTest
class ApiRequestMetricsOperatorTest {
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

    private String metrics() throws Exception {
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10)).build()
                .send(HttpRequest.newBuilder(URI.create("http://localhost:" + httpPort + "/q/metrics")).timeout(Duration.ofSeconds(30)).build(),
                        HttpResponse.BodyHandlers.ofString()).body();
    }
}

package dev.evident.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ApiRequestMetricsTest {
    private KubernetesMockServer server;
    private KubernetesClient client;
    private SimpleMeterRegistry registry;

    @BeforeEach
    void start() {
        server = new KubernetesMockServer(new io.fabric8.mockwebserver.Context(), new io.fabric8.mockwebserver.MockWebServer(), new java.util.HashMap<>(),
                new io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher(), false); // CRUD, watches included
        server.init();
        registry = new SimpleMeterRegistry();
        ApiRequestMetrics requests = new ApiRequestMetrics(registry);
        client = server.createClient(b -> b.withHttpClientBuilderConsumer(h -> h.addOrReplaceInterceptor(ApiRequestMetrics.INTERCEPTOR, requests)));
    }

    @AfterEach
    void stop() {
        client.close();
        server.destroy();
    }

    @Test
    void pathsAreReadAsTheApiServerReadsThem() {
        assertThat(classify("GET", "/api/v1/namespaces")).isEqualTo(request("list", "namespaces"));
        assertThat(classify("GET", "/api/v1/namespaces/team-a")).isEqualTo(request("get", "namespaces"));
        assertThat(classify("PATCH", "/api/v1/namespaces/team-a")).isEqualTo(request("patch", "namespaces"));
        assertThat(classify("PUT", "/api/v1/namespaces/team-a/finalize")).isEqualTo(request("update", "namespaces/finalize"));
        assertThat(classify("GET", "/api/v1/namespaces/team-a/pods")).isEqualTo(request("list", "pods"));
        assertThat(classify("GET", "/api/v1/pods?labelSelector=a%3Db&limit=500")).isEqualTo(request("list", "pods"));
        assertThat(classify("GET", "/apis/networking.k8s.io/v1/networkpolicies?allowWatchBookmarks=true&watch=true&resourceVersion=7"))
                .isEqualTo(request("watch", "networkpolicies"));
        assertThat(classify("POST", "/apis/networking.k8s.io/v1/namespaces/team-a/networkpolicies")).isEqualTo(request("create", "networkpolicies"));
        assertThat(classify("PATCH", "/apis/networking.k8s.io/v1/namespaces/team-a/networkpolicies/evident-default-deny?fieldManager=evident&force=true"))
                .isEqualTo(request("patch", "networkpolicies"));
        assertThat(classify("DELETE", "/apis/networking.k8s.io/v1/namespaces/team-a/networkpolicies/x")).isEqualTo(request("delete", "networkpolicies"));
        assertThat(classify("DELETE", "/apis/networking.k8s.io/v1/namespaces/team-a/networkpolicies")).isEqualTo(request("deletecollection", "networkpolicies"));
        assertThat(classify("PUT", "/apis/evident.dev/v1alpha1/controlpolicies/soc2/status")).isEqualTo(request("update", "controlpolicies/status"));
        assertThat(classify("PUT", "/apis/coordination.k8s.io/v1/namespaces/evident-system/leases/evident-operator")).isEqualTo(request("update", "leases"));
        // No object, namespace or group name ever becomes a label value.
        assertThat(classify("GET", "/api")).isEqualTo(request("get", "discovery"));
        assertThat(classify("GET", "/apis/evident.dev/v1alpha1")).isEqualTo(request("get", "discovery"));
        assertThat(classify("GET", "/version")).isEqualTo(request("get", "discovery"));
    }

    @Test
    void countsEachRequestByVerbResourceAndCodeAndAWatchOnceWhenOpened() {
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("team-a").endMetadata().build()).create();
        client.namespaces().withName("team-a").get();
        client.namespaces().withName("team-b").get(); // 404
        client.namespaces().list();
        AtomicInteger events = new AtomicInteger();
        try (Watch ignored = client.network().v1().networkPolicies().inNamespace("team-a").watch(new Watcher<>() {
            @Override
            public void eventReceived(Action action, NetworkPolicy resource) {
                events.incrementAndGet();
            }

            @Override
            public void onClose(WatcherException cause) {
            }
        })) {
            for (int i = 0; i < 3; i++) {
                client.network().v1().networkPolicies().inNamespace("team-a").resource(new NetworkPolicyBuilder()
                        .withNewMetadata().withName("np-" + i).endMetadata().withNewSpec().withPolicyTypes("Ingress").endSpec().build()).create();
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> events.get() == 3);
        }
        client.network().v1().networkPolicies().inNamespace("team-a").withName("np-0").edit(np -> new NetworkPolicyBuilder(np)
                .editMetadata().addToLabels("a", "b").endMetadata().build());
        client.network().v1().networkPolicies().inNamespace("team-a").withName("np-1").delete();

        assertThat(counts()).containsExactlyInAnyOrderEntriesOf(Map.of(
                "create namespaces 201", 1.0,
                "get namespaces 200", 1.0,
                "get namespaces 404", 1.0,
                "list namespaces 200", 1.0,
                "watch networkpolicies 101", 1.0,
                "create networkpolicies 201", 3.0,
                // edit() reads the object, then patches it
                "get networkpolicies 200", 1.0,
                "patch networkpolicies 202", 1.0, // the mock server answers a patch with 202
                "delete networkpolicies 200", 1.0));
    }

    @Test
    void aRequestThatGotNoResponseCountsAsAnError() {
        ApiRequestMetrics requests = new ApiRequestMetrics(registry);
        // Fabric8 tells interceptors of a connection failure only when it is about to retry; the last attempt goes
        // untold. One retry: two attempts, the first of them counted.
        try (KubernetesClient once = new io.fabric8.kubernetes.client.KubernetesClientBuilder()
                .withConfig(new io.fabric8.kubernetes.client.ConfigBuilder(client.getConfiguration()).withRequestRetryBackoffLimit(1)
                        .withRequestRetryBackoffInterval(10).build())
                .withHttpClientBuilderConsumer(h -> h.addOrReplaceInterceptor(ApiRequestMetrics.INTERCEPTOR, requests)).build()) {
            server.destroy();
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> once.namespaces().withName("team-a").get())
                    .isInstanceOf(io.fabric8.kubernetes.client.KubernetesClientException.class);
        }
        assertThat(counts()).containsExactlyEntriesOf(Map.of("get namespaces error", 1.0));
    }

    /** Quarkus adds the Prometheus registry to the composite one after the informers' first requests went out. */
    @Test
    void requestsCountedBeforeARegistryJoinsAreNotLost() {
        io.micrometer.core.instrument.composite.CompositeMeterRegistry composite = new io.micrometer.core.instrument.composite.CompositeMeterRegistry();
        ApiRequestMetrics requests = new ApiRequestMetrics(composite);
        io.fabric8.kubernetes.client.http.HttpRequest watch = new io.fabric8.kubernetes.client.http.StandardHttpRequest.Builder()
                .uri(URI.create("https://10.0.0.1:6443/apis/evident.dev/v1alpha1/controlpolicies?watch=true")).build();
        requests.afterConnectionFailure(watch, new java.io.IOException("refused"));
        composite.add(registry);
        requests.afterConnectionFailure(watch, new java.io.IOException("refused"));
        assertThat(counts()).containsExactlyEntriesOf(Map.of("watch controlpolicies error", 2.0));
    }

    private Map<String, Double> counts() {
        Map<String, Double> counts = new TreeMap<>();
        for (FunctionCounter c : registry.find(ApiRequestMetrics.NAME).functionCounters()) {
            counts.put(c.getId().getTag("verb") + " " + c.getId().getTag("resource") + " " + c.getId().getTag("code"), c.count());
        }
        return counts;
    }

    private static ApiRequestMetrics.Request classify(String method, String uri) {
        return ApiRequestMetrics.classify(method, URI.create("https://10.0.0.1:6443" + uri));
    }

    private static ApiRequestMetrics.Request request(String verb, String resource) {
        return new ApiRequestMetrics.Request(verb, resource);
    }
}

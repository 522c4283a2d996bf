package dev.evident.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** --cluster against a Fabric8 mock API server, reached through a kubeconfig file like a real cluster. */
class AuditClusterTest {
    @TempDir
    Path dir;

    private KubernetesMockServer server;
    /** Fabric8 settings other tests in this JVM may have put in system properties; they would beat the kubeconfig. */
    private final java.util.Map<String, String> saved = new java.util.HashMap<>();

    @org.junit.jupiter.api.BeforeEach
    void isolateFromSystemProperties() {
        for (String key : System.getProperties().stringPropertyNames()) {
            if (key.startsWith("kubernetes.")) {
                saved.put(key, System.clearProperty(key));
            }
        }
    }

    @AfterEach
    void tearDown() {
        System.clearProperty(Config.KUBERNETES_KUBECONFIG_FILE);
        saved.forEach(System::setProperty);
        if (server != null) {
            server.shutdown();
        }
    }

    @Test
    void listsTheCatalogueKindsWithGetRequestsOnly() throws Exception {
        server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(), new KubernetesCrudDispatcher(List.of()), false);
        server.init();
        try (KubernetesClient seed = server.createClient()) {
            seed.resource(new NamespaceBuilder().withNewMetadata().withName("payments")
                    .addToLabels("pod-security.kubernetes.io/enforce", "restricted").endMetadata().build()).create();
            seed.resource(new NamespaceBuilder().withNewMetadata().withName("web").endMetadata().build()).create();
            seed.resource(new NetworkPolicyBuilder().withNewMetadata().withName("deny-all").withNamespace("payments").endMetadata()
                    .withNewSpec().withNewPodSelector().endPodSelector().withPolicyTypes("Ingress", "Egress").endSpec().build()).create();
        }
        int seeding = server.getRequestCount();
        drain(seeding);
        useKubeconfig(server.url("/"));

        Cli run = Cli.run("audit", "--policy", "examples/policies", "--cluster", "--output", "json");

        assertEquals(1, run.exitCode(), run::toString);
        JsonNode json = new ObjectMapper().readTree(run.out());
        assertEquals(2, json.get("summary").get("pass").asInt(), run::toString);
        assertEquals(2, json.get("summary").get("fail").asInt(), run::toString);
        List<String> results = new ArrayList<>();
        json.get("findings").forEach(f -> results.add(f.get("control").asText() + " " + f.get("name").asText() + " " + f.get("result").asText()));
        assertEquals(List.of("NET-001 payments pass", "NET-001 web fail", "PSS-001 payments pass", "PSS-001 web fail",
                "ENC-002 kube-apiserver notApplicable", "AUD-001 kube-apiserver notApplicable"), results);

        List<String> requests = drain(server.getRequestCount() - seeding);
        assertTrue(!requests.isEmpty());
        assertTrue(requests.stream().allMatch(r -> r.startsWith("GET ")), requests::toString);
        assertTrue(requests.stream().anyMatch(r -> r.startsWith("GET /apis/networking.k8s.io/v1/networkpolicies")), requests::toString);
        assertTrue(requests.stream().anyMatch(r -> r.startsWith("GET /api/v1/namespaces")), requests::toString);
    }

    @Test
    void veleroObjectsAreListedWhenAPolicyReadsThemAndA404MeansNotInstalled() throws Exception {
        server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(), new KubernetesCrudDispatcher(List.of(
                new io.fabric8.kubernetes.client.dsl.base.CustomResourceDefinitionContext.Builder().withGroup("velero.io").withVersion("v1")
                        .withKind("Schedule").withPlural("schedules").withScope("Namespaced").build())), false);
        server.init();
        try (KubernetesClient seed = server.createClient()) {
            for (String ns : List.of("shop", "payments", "analytics", "legacy")) {
                seed.resource(new NamespaceBuilder().withNewMetadata().withName(ns).addToLabels("backup.example.com/tier", "stateful").endMetadata().build()).create();
            }
            seed.genericKubernetesResources("velero.io/v1", "Schedule").inNamespace("velero").resource(
                    new io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder().withApiVersion("velero.io/v1").withKind("Schedule")
                            .withNewMetadata().withName("daily").withNamespace("velero").endMetadata()
                            .addToAdditionalProperties("spec", java.util.Map.of("schedule", "0 2 * * *",
                                    "template", java.util.Map.of("includedNamespaces", List.of("shop")))).build()).create();
        }
        useKubeconfig(server.url("/"));

        Cli run = Cli.run("audit", "--policy", "examples/velero/policy.yaml", "--cluster");

        assertEquals(1, run.exitCode(), run::toString);
        assertTrue(run.out().matches("(?s).*BAK-001 +fail +shop .*NoSuccessfulBackup.*"), run::toString);
        assertTrue(run.out().matches("(?s).*BAK-001 +fail +legacy .*NoSchedule.*"), run::toString);
        assertTrue(!run.out().contains("ProviderNotInstalled"), run::toString);
        server.shutdown();

        // A server without Velero: its group is not served at all.
        server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(), new KubernetesCrudDispatcher(List.of()) {
            @Override
            public io.fabric8.mockwebserver.http.MockResponse dispatch(RecordedRequest request) {
                return request.getPath().startsWith("/apis/velero.io/")
                        ? new io.fabric8.mockwebserver.http.MockResponse().setResponseCode(404) : super.dispatch(request);
            }
        }, false);
        server.init();
        try (KubernetesClient seed = server.createClient()) {
            seed.resource(new NamespaceBuilder().withNewMetadata().withName("shop").addToLabels("backup.example.com/tier", "stateful").endMetadata().build()).create();
        }
        useKubeconfig(server.url("/"));
        run = Cli.run("audit", "--policy", "examples/velero/policy.yaml", "--cluster");
        assertEquals(1, run.exitCode(), run::toString);
        assertTrue(run.out().matches("(?s).*BAK-001 +error +shop .*ProviderNotInstalled.*"), run::toString);
    }

    @Test
    void forbiddenListIsBadInput() {
        server = new KubernetesMockServer(false);
        server.init();
        server.expect().get().withPath("/api/v1/namespaces?limit=500")
                .andReturn(403, new StatusBuilder().withCode(403).withReason("Forbidden").withMessage("namespaces is forbidden").build())
                .always();
        useKubeconfig(server.url("/"));

        Cli run = Cli.run("audit", "--policy", "examples/policies", "--cluster");

        assertEquals(2, run.exitCode(), run::toString);
        assertTrue(run.err().contains("cannot list Namespace: forbidden (HTTP 403)"), run::toString);
        assertEquals("", run.out());
    }

    @Test
    void aListThatNeverEndsIsBadInputNotAHang() {
        server = new KubernetesMockServer(false);
        server.init();
        io.fabric8.kubernetes.api.model.NamespaceList endless = new io.fabric8.kubernetes.api.model.NamespaceListBuilder()
                .withNewMetadata().withContinue("again").endMetadata().build();
        server.expect().get().withPath("/api/v1/namespaces?limit=500").andReturn(200, endless).always();
        server.expect().get().withPath("/api/v1/namespaces?continue=again&limit=500").andReturn(200, endless).always();
        useKubeconfig(server.url("/"));

        Cli run = Cli.run("audit", "--policy", "examples/policies", "--cluster");

        assertEquals(2, run.exitCode(), run::toString);
        assertTrue(run.err().contains("listing Namespace did not end after 2 pages of 500 (the server repeats the same continue token)"), run::toString);
    }

    @Test
    void emptyKubeconfigOrMissingContextNamesTheFile() {
        Path empty = Cli.write(dir, "empty-kubeconfig", "");
        System.setProperty(Config.KUBERNETES_KUBECONFIG_FILE, empty.toString());
        Cli run = Cli.run("audit", "--policy", "examples/policies", "--cluster");
        assertEquals(2, run.exitCode(), run::toString);
        assertTrue(run.err().startsWith(empty + ": kubeconfig has no current-context"), run::toString);

        Path wrong = Cli.write(dir, "wrong-kubeconfig", """
                apiVersion: v1
                kind: Config
                clusters: [{name: a, cluster: {server: "https://127.0.0.1:1"}}]
                contexts: [{name: a, context: {cluster: a}}]
                current-context: b
                """);
        System.setProperty(Config.KUBERNETES_KUBECONFIG_FILE, wrong.toString());
        run = Cli.run("audit", "--policy", "examples/policies", "--cluster");
        assertEquals(2, run.exitCode(), run::toString);
        assertTrue(run.err().startsWith(wrong + ": current-context 'b' names no context in the kubeconfig"), run::toString);

        Path broken = Cli.write(dir, "broken-kubeconfig", "clusters: [\n");
        System.setProperty(Config.KUBERNETES_KUBECONFIG_FILE, broken.toString());
        run = Cli.run("audit", "--policy", "examples/policies", "--cluster");
        assertEquals(2, run.exitCode(), run::toString);
        assertTrue(run.err().startsWith(broken + ": not a valid kubeconfig"), run::toString);
    }

    @Test
    void unreachableClusterIsBadInput() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        useKubeconfig("http://127.0.0.1:" + closedPort + "/");

        Cli run = Cli.run("audit", "--policy", "examples/policies", "--cluster");

        assertEquals(2, run.exitCode(), run::toString);
        assertTrue(run.err().startsWith("--cluster http://127.0.0.1:" + closedPort + "/: cannot list Namespace: cluster unreachable"), run::toString);
    }

    @Test
    void missingKubeconfigIsBadInput() {
        System.setProperty(Config.KUBERNETES_KUBECONFIG_FILE, dir.resolve("absent").toString());

        Cli run = Cli.run("audit", "--policy", "examples/policies", "--cluster");

        assertEquals(2, run.exitCode(), run::toString);
        assertTrue(run.err().startsWith("--cluster: no kubeconfig found"), run::toString);
    }

    private void useKubeconfig(String serverUrl) {
        Path kubeconfig = Cli.write(dir, "kubeconfig", """
                apiVersion: v1
                kind: Config
                clusters:
                - name: mock
                  cluster: {server: "%s"}
                contexts:
                - name: mock
                  context: {cluster: mock, user: mock, namespace: default}
                current-context: mock
                users:
                - name: mock
                  user: {token: not-a-secret}
                """.formatted(serverUrl));
        System.setProperty(Config.KUBERNETES_KUBECONFIG_FILE, kubeconfig.toString());
    }

    /** Takes every request recorded and not yet taken, as "METHOD path", checking that there are as many as expected. */
    private List<String> drain(int expected) throws InterruptedException {
        List<String> requests = new ArrayList<>();
        RecordedRequest request;
        while ((request = server.takeRequest(100, TimeUnit.MILLISECONDS)) != null) {
            requests.add(request.getMethod() + " " + request.getPath());
        }
        assertEquals(expected, requests.size(), requests::toString);
        return requests;
    }
}

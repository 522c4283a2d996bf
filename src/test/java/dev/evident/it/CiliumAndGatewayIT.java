package dev.evident.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.evident.api.v1alpha1.ControlPolicy;
import dev.evident.api.v1alpha1.ControlPolicyStatus;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The packaged operator, running as deploy/'s ServiceAccount (so its RBAC is what is tested), against a real API
 * server on which the Cilium and Gateway API CRDs are installed after it started: it picks them up without a
 * restart, a CiliumNetworkPolicy credits a namespace, and a Gateway served in two versions is judged once.
 */
class CiliumAndGatewayIT {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static RealApiServer server;
    private static KubernetesClient admin;
    private static Process operator;

    @BeforeAll
    static void startClusterAndOperator() throws Exception {
        Path dir = Path.of("target", "it-apiserver-optional-kinds").toAbsolutePath();
        RealApiServer.deleteRecursively(dir);
        server = RealApiServer.start(dir);
        admin = server.adminClient();
        try (Stream<Path> files = Files.list(Path.of("crds"))) {
            for (Path f : files.sorted().toList()) {
                for (HasMetadata o : admin.load(Files.newInputStream(f)).items()) {
                    admin.resource(o).create(); // a plain create: 1.20 drops the CEL rules it does not know
                }
            }
        }
        await().atMost(WAIT).ignoreExceptions().until(() -> admin.resources(ControlPolicy.class).list() != null);
        Path kubeconfig = OperatorProcess.installAndLogIn(server, admin);
        int port = OperatorProcess.freePort();
        operator = OperatorProcess.start(kubeconfig, port, Path.of("target", "it-operator-optional-kinds.log"));
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(250)).ignoreExceptions()
                .untilAsserted(() -> assertThat(http(port, "/q/health/ready")).contains("\"status\": \"UP\"").contains("\"role\": \"leader\""));
    }

    @AfterAll
    static void stop() throws Exception {
        if (operator != null) {
            operator.destroy();
            operator.waitFor();
        }
        if (admin != null) {
            admin.close();
        }
        if (server != null) {
            server.close();
        }
    }

    @Test
    void crdsInstalledAfterStartArePickedUpWithoutRestart() {
        admin.resource(new NamespaceBuilder().withNewMetadata().withName("it-mesh").addToLabels("team", "mesh").endMetadata().build()).create();
        admin.resource(Serialization.unmarshal("""
                apiVersion: evident.dev/v1alpha1
                kind: ControlPolicy
                metadata: {name: it-mesh}
                spec:
                  namespaceSelector: {matchLabels: {team: mesh}}
                  controls:
                    - {id: NET-001, type: NetworkDefaultDeny}
                    - {id: TLS-002, type: GatewayTLS}
                """, ControlPolicy.class)).create();
        await().atMost(WAIT).ignoreExceptions().untilAsserted(() -> {
            assertThat(status().getViolations().getItems()).singleElement().satisfies(v -> {
                assertThat(v.getControl()).isEqualTo("NET-001");
                assertThat(v.getMessage()).isEqualTo("no NetworkPolicy selecting all pods denies [Ingress, Egress]");
            });
        });

        establish(crd("cilium.io", "CiliumNetworkPolicy", "ciliumnetworkpolicies", "v2"));
        admin.resource(Serialization.unmarshal("""
                apiVersion: cilium.io/v2
                kind: CiliumNetworkPolicy
                metadata: {name: deny-all, namespace: it-mesh}
                spec:
                  endpointSelector: {}
                  ingress: [{}]
                  egress:
                  - toPorts: [{ports: [{port: "53", protocol: UDP}]}]
                """, GenericKubernetesResource.class)).create();
        await().atMost(WAIT).ignoreExceptions().untilAsserted(() -> assertThat(status().getViolations().getTotal()).isZero());

        // Gateway API serves Gateways as v1 and v1beta1: the same object, one finding
        establish(crd("gateway.networking.k8s.io", "Gateway", "gateways", "v1", "v1beta1"));
        admin.resource(Serialization.unmarshal("""
                apiVersion: gateway.networking.k8s.io/v1
                kind: Gateway
                metadata: {name: web, namespace: it-mesh}
                spec:
                  gatewayClassName: example
                  listeners:
                  - {name: http, hostname: shop.example.com, port: 80, protocol: HTTP}
                """, GenericKubernetesResource.class)).create();
        await().atMost(WAIT).ignoreExceptions().untilAsserted(() -> assertThat(status().getViolations().getItems()).singleElement()
                .satisfies(v -> {
                    assertThat(v.getControl()).isEqualTo("TLS-002");
                    assertThat(v.getKind()).isEqualTo("Gateway");
                    assertThat(v.getReason()).isEqualTo("PlainTextListener");
                }));
    }

    /** The first version is stored; every version is served. */
    private static CustomResourceDefinition crd(String group, String kind, String plural, String... versions) {
        var spec = new CustomResourceDefinitionBuilder()
                .withNewMetadata().withName(plural + "." + group)
                // *.k8s.io groups need it, as the real Gateway API CRDs carry it
                .addToAnnotations("api-approved.kubernetes.io", "https://github.com/kubernetes-sigs/gateway-api/pull/1538")
                .endMetadata()
                .withNewSpec().withGroup(group).withScope("Namespaced")
                .withNewNames().withKind(kind).withPlural(plural).withSingular(kind.toLowerCase()).endNames();
        for (int i = 0; i < versions.length; i++) {
            spec.addNewVersion().withName(versions[i]).withServed(true).withStorage(i == 0)
                    .withNewSchema().withNewOpenAPIV3Schema().withType("object").withXKubernetesPreserveUnknownFields(true)
                    .endOpenAPIV3Schema().endSchema().endVersion();
        }
        return spec.endSpec().build();
    }

    private static void establish(CustomResourceDefinition crd) {
        admin.resource(crd).create();
        admin.apiextensions().v1().customResourceDefinitions().withName(crd.getMetadata().getName()).waitUntilCondition(
                c -> c != null && c.getStatus() != null && c.getStatus().getConditions() != null && c.getStatus().getConditions().stream()
                        .anyMatch(x -> "Established".equals(x.getType()) && "True".equals(x.getStatus())), 60, TimeUnit.SECONDS);
    }

    private static ControlPolicyStatus status() {
        return admin.resources(ControlPolicy.class).withName("it-mesh").get().getStatus();
    }

    private static String http(int port, String path) throws IOException, InterruptedException {
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(java.time.Duration.ofSeconds(10)).build().send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)).timeout(java.time.Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }
}

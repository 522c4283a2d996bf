package dev.evident.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.evident.api.v1alpha1.ControlPolicy;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.IngressBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Memory of the operator at a realistic size, not on a tiny cluster: N namespaces on a real API server, each
 * with a NetworkPolicy, a Role and RoleBinding, a TLS Secret with a certificate-sized payload, a PVC and an
 * Ingress (objects as the API server stores them, managedFields included), the baseline policy evaluating all
 * of them, and the operator as the deploy/ ServiceAccount with deploy/'s heap. Prints heap in use after a full
 * GC and the resident size. A measurement, not a gate: run with
 * {@code ./mvnw -B verify -DskipITs=false -Dtest=NoSuchTest -Dsurefire.failIfNoSpecifiedTests=false -Dit.test=MemoryAtScaleIT -Devident.scale.namespaces=2000}.
 */
class MemoryAtScaleIT {
    @Test
    void heapAfterFullGcAtScale() throws Exception {
        int namespaces = Integer.getInteger("evident.scale.namespaces", 0);
        Assumptions.assumeTrue(namespaces > 0, "set -Devident.scale.namespaces=N to measure (not part of the CI run)");
        Path dir = Path.of("target", "scale-apiserver").toAbsolutePath();
        RealApiServer.deleteRecursively(dir);
        try (RealApiServer server = RealApiServer.start(dir); KubernetesClient admin = server.adminClient()) {
            for (HasMetadata o : RealApiServer.evidentCrds(admin)) {
                admin.resource(o).create();
            }
            Path kubeconfig = OperatorProcess.installAndLogIn(server, admin);
            long start = System.nanoTime();
            populate(admin, namespaces);
            System.out.printf("[MemoryAtScaleIT] created %d namespaces x 6 objects in %d s%n", namespaces, (System.nanoTime() - start) / 1_000_000_000);
            await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> admin.resources(ControlPolicy.class).list() != null);
            for (HasMetadata o : admin.load(Files.newInputStream(Path.of("examples", "policies", "soc2-baseline.yaml"))).items()) {
                admin.resource(o).create();
            }

            int port = OperatorProcess.freePort();
            Process operator = OperatorProcess.start(kubeconfig, port, Path.of("target", "scale-operator.log"));
            try {
                await().atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofSeconds(1)).ignoreExceptions().untilAsserted(() -> {
                    ControlPolicy p = admin.resources(ControlPolicy.class).withName("soc2-baseline").get();
                    assertThat(p.getStatus().getControls()).anySatisfy(c -> assertThat(c.getCompliant() + c.getViolating()).isGreaterThanOrEqualTo(namespaces));
                });
                new ProcessBuilder("jcmd", String.valueOf(operator.pid()), "GC.run").inheritIO().start().waitFor();
                Thread.sleep(1000);
                double heap = java.util.Arrays.stream(http(port, "/q/metrics").split("\n"))
                        .filter(l -> l.startsWith("jvm_memory_used_bytes{area=\"heap\""))
                        .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
                String rss = Files.readAllLines(Path.of("/proc", String.valueOf(operator.pid()), "status")).stream()
                        .filter(l -> l.startsWith("VmRSS")).findFirst().orElse("VmRSS: unknown").replaceAll("\\s+", " ");
                System.out.printf("[MemoryAtScaleIT] %d namespaces (%d cached objects of the controls' kinds): heap after full GC %.0f MB, process %s%n",
                        namespaces, namespaces * 7, heap / 1_000_000, rss);
                // Where the heap goes, for RESULTS: the classes retaining most after a full GC.
                Process histogram = new ProcessBuilder("jcmd", String.valueOf(operator.pid()), "GC.class_histogram").redirectErrorStream(true).start();
                List<String> lines = new String(histogram.getInputStream().readAllBytes()).lines().toList();
                histogram.waitFor();
                Files.write(Path.of("target", "scale-histogram.txt"), lines);
                lines.stream().limit(30).forEach(l -> System.out.println("[MemoryAtScaleIT] " + l));
                // The histogram's total is what is live (it collects first); the gauge above also counts what was
                // allocated in the second since the collection.
                lines.stream().filter(l -> l.startsWith("Total")).findFirst().ifPresent(total -> System.out.printf(
                        "[MemoryAtScaleIT] live heap (class histogram after a full GC): %.0f MB%n", Long.parseLong(total.trim().split("\\s+")[2]) / 1e6));
            } finally {
                operator.destroy();
                operator.waitFor();
            }
        }
    }

    /** Six objects per namespace, created by four threads. */
    private static void populate(KubernetesClient admin, int namespaces) throws Exception {
        String certificate = Base64.getEncoder().encodeToString(new byte[1800]);
        String key = Base64.getEncoder().encodeToString(new byte[1200]);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        List<Future<?>> done = new ArrayList<>();
        for (int i = 0; i < namespaces; i++) {
            String ns = "scale-" + i;
            done.add(pool.submit(() -> {
                admin.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(ns).addToLabels("team", "t" + ns.hashCode() % 20)
                        .addToLabels("pod-security.kubernetes.io/enforce", "baseline").endMetadata().build()).create();
                admin.network().v1().networkPolicies().inNamespace(ns).resource(new NetworkPolicyBuilder().withNewMetadata().withName("deny-all").endMetadata()
                        .withNewSpec().withNewPodSelector().endPodSelector().withPolicyTypes("Ingress", "Egress").endSpec().build()).create();
                admin.rbac().roles().inNamespace(ns).resource(new RoleBuilder().withNewMetadata().withName("app").endMetadata()
                        .addNewRule().withApiGroups("").withResources("configmaps", "pods").withVerbs("get", "list", "watch").endRule().build()).create();
                admin.rbac().roleBindings().inNamespace(ns).resource(new RoleBindingBuilder().withNewMetadata().withName("app").endMetadata()
                        .withNewRoleRef().withApiGroup("rbac.authorization.k8s.io").withKind("Role").withName("app").endRoleRef()
                        .addNewSubject().withKind("ServiceAccount").withName("default").withNamespace(ns).endSubject().build()).create();
                admin.secrets().inNamespace(ns).resource(new SecretBuilder().withNewMetadata().withName("web-tls").endMetadata()
                        .withType("kubernetes.io/tls").addToData("tls.crt", certificate).addToData("tls.key", key).build()).create();
                admin.persistentVolumeClaims().inNamespace(ns).resource(new PersistentVolumeClaimBuilder().withNewMetadata().withName("data").endMetadata()
                        .withNewSpec().withAccessModes("ReadWriteOnce").withNewResources().addToRequests("storage", new Quantity("1Gi")).endResources().endSpec()
                        .build()).create();
                admin.network().v1().ingresses().inNamespace(ns).resource(new IngressBuilder().withNewMetadata().withName("web").endMetadata()
                        .withNewSpec().addNewTl().withHosts(ns + ".example.com").withSecretName("web-tls").endTl()
                        .addNewRule().withHost(ns + ".example.com").endRule().endSpec().build()).create();
                return null;
            }));
        }
        for (Future<?> f : done) {
            f.get();
        }
        pool.shutdown();
    }

    private static String http(int port, String path) throws Exception {
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(java.time.Duration.ofSeconds(10)).build().send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)).timeout(java.time.Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }
}

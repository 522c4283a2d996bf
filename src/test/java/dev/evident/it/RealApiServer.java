package dev.evident.it;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real Kubernetes 1.20 API server with kube-controller-manager on loopback, started with the
 * team's shared/tools/kube-apiserver.sh (which must have been built: {@code kube-apiserver.sh build}).
 * It proves what the mock server cannot: server-side apply, RBAC, CRD schema validation and defaulting,
 * garbage collection.
 */
final class RealApiServer implements AutoCloseable {
    private final Path script;
    private final Path dir;
    final Path kubeconfig;

    private RealApiServer(Path script, Path dir) {
        this.script = script;
        this.dir = dir;
        this.kubeconfig = dir.resolve("kubeconfig");
    }

    static RealApiServer start(Path dir) throws IOException, InterruptedException {
        Path script = locateScript();
        RealApiServer server = new RealApiServer(script, dir);
        server.run(List.of("start", dir.toString(), "--with-controller-manager"), 180);
        return server;
    }

    KubernetesClient adminClient() throws IOException {
        return new KubernetesClientBuilder()
                .withConfig(Config.fromKubeconfig(Files.readString(kubeconfig, StandardCharsets.UTF_8)))
                .build();
    }

    /** A kubeconfig for a bearer token (a ServiceAccount's), same server and CA as the admin one. */
    Path tokenKubeconfig(String name, String token) throws IOException {
        Config admin = Config.fromKubeconfig(Files.readString(kubeconfig, StandardCharsets.UTF_8));
        String yaml = """
                apiVersion: v1
                kind: Config
                clusters:
                - name: it
                  cluster:
                    server: %s
                    certificate-authority-data: %s
                users:
                - name: %s
                  user:
                    token: %s
                contexts:
                - name: it
                  context: {cluster: it, user: %s}
                current-context: it
                """.formatted(admin.getMasterUrl(), admin.getCaCertData(), name, token, name);
        Path file = dir.resolve(name + ".kubeconfig");
        Files.writeString(file, yaml);
        return file;
    }

    /** Stops processes a test started (those that were started), each with SIGTERM, and waits for them. */
    static void stopAll(Process... processes) throws InterruptedException {
        for (Process p : processes) {
            if (p != null) {
                p.destroy();
                p.waitFor();
            }
        }
    }

    /**
     * Waits until kube-controller-manager's garbage collector watches ControlPolicies. It discovers new
     * CRDs only every 30 s; an owner deleted before then is noticed only when its dependent's retry comes
     * round, with exponential backoff (a minute or more), so a test that deletes a policy soon after
     * installing the CRD would wait on that backoff. Foreground deletion of a probe policy completes only
     * once the collector watches the kind (it alone removes the foregroundDeletion finalizer).
     */
    static void awaitGarbageCollectorWatchesPolicies(KubernetesClient admin) {
        var probe = new io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder()
                .withApiVersion("evident.dev/v1alpha1").withKind("ControlPolicy")
                .withNewMetadata().withName("gc-probe").endMetadata()
                .addToAdditionalProperties("spec", java.util.Map.of("controls", List.of(java.util.Map.of(
                        "id", "PSS-001", "type", "PodSecurityLevel", "podSecurityLevel", java.util.Map.of("level", "baseline")))))
                .build();
        admin.resource(probe).create();
        admin.resource(probe).withPropagationPolicy(io.fabric8.kubernetes.api.model.DeletionPropagation.FOREGROUND).delete();
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(120)).pollInterval(java.time.Duration.ofMillis(250))
                .until(() -> admin.resource(probe).get() == null);
    }

    /** Every CRD of crds/ (policies and exceptions): the operator is not ready without an informer on each. */
    static List<io.fabric8.kubernetes.api.model.HasMetadata> evidentCrds(KubernetesClient admin) throws IOException {
        List<io.fabric8.kubernetes.api.model.HasMetadata> crds = new java.util.ArrayList<>();
        try (java.util.stream.Stream<Path> files = Files.list(Path.of("crds"))) {
            for (Path f : files.sorted().toList()) {
                crds.addAll(admin.load(Files.newInputStream(f)).items());
            }
        }
        return crds;
    }

    static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) return;
        try (java.util.stream.Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    @Override
    public void close() throws IOException, InterruptedException {
        run(List.of("stop", dir.toString()), 60);
    }

    private void run(List<String> args, int timeoutSeconds) throws IOException, InterruptedException {
        List<String> command = new java.util.ArrayList<>(List.of("bash", script.toString()));
        command.addAll(args);
        Path log = dir.resolveSibling(dir.getFileName() + "-" + args.get(0) + ".log");
        Files.createDirectories(dir);
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IllegalStateException("kube-apiserver.sh " + String.join(" ", args) + " failed:\n" + Files.readString(log));
        }
    }

    private static Path locateScript() {
        String configured = System.getenv("EVIDENT_KUBE_APISERVER_SCRIPT");
        Path script = configured != null ? Path.of(configured) : Path.of("..", "shared", "tools", "kube-apiserver.sh");
        if (!Files.isRegularFile(script)) {
            throw new IllegalStateException("kube-apiserver.sh not found at " + script.toAbsolutePath()
                    + "; set EVIDENT_KUBE_APISERVER_SCRIPT or run from a checkout with shared/ beside it");
        }
        return script;
    }
}

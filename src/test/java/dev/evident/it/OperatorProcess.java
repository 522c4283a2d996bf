package dev.evident.it;

import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/** The packaged operator as a process, running as the ServiceAccount deploy/ creates, against a real API server. */
final class OperatorProcess {
    private OperatorProcess() {
    }

    /** Applies deploy/'s namespace, ServiceAccount and RBAC, and returns a kubeconfig with the ServiceAccount's token. */
    static Path installAndLogIn(RealApiServer server, KubernetesClient admin) throws IOException {
        for (String f : List.of("00-namespace.yaml", "01-serviceaccount.yaml", "02-clusterrole.yaml", "03-clusterrolebinding.yaml", "04-namespaced-roles.yaml")) {
            admin.load(Files.newInputStream(Path.of("deploy", f))).serverSideApply();
        }
        return logIn(server, admin, "evident-system", "evident");
    }

    /** A kubeconfig with a ServiceAccount's token, once kube-controller-manager has filled its token Secret (1.20 makes one per ServiceAccount). */
    static Path logIn(RealApiServer server, KubernetesClient admin, String namespace, String serviceAccount) throws IOException {
        String token = await().atMost(Duration.ofSeconds(30)).until(() -> admin.secrets().inNamespace(namespace).list().getItems().stream()
                .filter(s -> "kubernetes.io/service-account-token".equals(s.getType()))
                .filter(s -> serviceAccount.equals(s.getMetadata().getAnnotations().get("kubernetes.io/service-account.name")))
                .map(Secret::getData).map(d -> d.get("token")).findFirst().orElse(null), t -> t != null);
        return server.tokenKubeconfig(namespace + "-" + serviceAccount, new String(Base64.getDecoder().decode(token), StandardCharsets.UTF_8));
    }

    /** The packaged operator with the heap deploy/ gives it: at most 50% of 640Mi, starting at the JVM default of 1/64 of it. */
    static Process start(Path kubeconfig, int port, Path log, String... properties) throws IOException {
        return start(kubeconfig, port, log, Map.of(), properties);
    }

    /** The same, with environment variables added (e.g. the ones a Deployment passes). */
    static Process start(Path kubeconfig, int port, Path log, Map<String, String> env, String... properties) throws IOException {
        List<String> command = new ArrayList<>(List.of("java", "-Xms10m", "-Xmx320m", "-Dquarkus.http.port=" + port));
        for (String p : properties) {
            command.add("-D" + p);
        }
        command.addAll(List.of("-jar", "target/quarkus-app/quarkus-run.jar"));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("KUBECONFIG", kubeconfig.toString());
        pb.environment().put("EVIDENT_OPERATOR_NAMESPACE", "evident-system");
        pb.environment().putAll(env);
        // Each process keeps its evidence log under target/, never in the machine's /var/lib.
        pb.environment().put("EVIDENT_EVIDENCE_DIR", Path.of("target", "it-evidence", "operator-" + port).toAbsolutePath().toString());
        return pb.start();
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}

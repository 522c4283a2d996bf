package dev.evident.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.evident.api.v1alpha1.ControlPolicy;
import dev.evident.api.v1alpha1.ControlPolicyStatus;
import dev.evident.api.v1alpha1.ControlSummary;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * BackupSchedule live, on a real Kubernetes 1.20 API server with the operator running as deploy/'s ServiceAccount:
 * Velero's CRDs installed after the operator started are picked up without a restart; a passing finding turns
 * BackupStale at the instant the newest backup becomes too old, with no event and long before any resync; a
 * Backup turning Failed flips the finding; Enforce creates the managed Schedule (RBAC as in deploy/).
 */
class BackupScheduleIT {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();
    private static final Path OPERATOR_LOG = Path.of("target", "it-backup-operator.log");
    private static RealApiServer server;
    private static KubernetesClient admin;
    private static Process operator;
    private static int port;

    @BeforeAll
    static void start() throws Exception {
        Path dir = Path.of("target", "it-backup-apiserver").toAbsolutePath();
        RealApiServer.deleteRecursively(dir);
        server = RealApiServer.start(dir);
        admin = server.adminClient();
        for (HasMetadata o : RealApiServer.evidentCrds(admin)) {
            admin.resource(o).create();
        }
        Path kubeconfig = OperatorProcess.installAndLogIn(server, admin);
        for (String ns : List.of("shop", "legacy", "velero")) {
            var builder = new NamespaceBuilder().withNewMetadata().withName(ns);
            if (!ns.equals("velero")) {
                builder.addToLabels("tier", "stateful");
            }
            admin.namespaces().resource(builder.endMetadata().build()).create();
        }
        port = OperatorProcess.freePort();
        // A resync far beyond the test: every change seen here comes from a watch or from the staleness timer.
        operator = OperatorProcess.start(kubeconfig, port, OPERATOR_LOG, "evident.resync-interval=30m");
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(250)).ignoreExceptions()
                .untilAsserted(() -> assertThat(http("/q/health/ready")).contains("\"status\": \"UP\""));
    }

    @AfterAll
    static void stop() throws Exception {
        RealApiServer.stopAll(operator);
        if (admin != null) {
            admin.close();
        }
        if (server != null) {
            server.close();
        }
    }

    @Test
    void veleroInstalledLaterStalenessOnTimeFailedBackupAndEnforce() throws Exception {
        admin.resource(SERIALIZATION.unmarshal("""
                apiVersion: evident.dev/v1alpha1
                kind: ControlPolicy
                metadata: {name: backups}
                spec:
                  namespaceSelector: {matchLabels: {tier: stateful}}
                  controls:
                    - id: BAK-001
                      type: BackupSchedule
                      backupSchedule: {maxInterval: 24h, minRetention: 720h, maxBackupAge: 1h}
                """, GenericKubernetesResource.class)).create();
        await().atMost(WAIT).untilAsserted(() -> assertThat(control().getErrors()).isEqualTo(2));
        assertThat(log()).as("Velero absent: the operator keeps running").doesNotContain("Exception in thread");

        // Velero installed after the operator started.
        long start = System.nanoTime();
        try (InputStream in = getClass().getResourceAsStream("/velero/crds.yaml")) {
            for (HasMetadata crd : admin.load(in).items()) {
                admin.resource((CustomResourceDefinition) crd).create();
            }
        }
        await().atMost(WAIT).untilAsserted(() -> {
            assertThat(control().getErrors()).isZero();
            assertThat(reasons()).containsOnly("NoSchedule");
        });
        System.out.printf("[BackupScheduleIT] Velero CRDs applied -> judged without restart in %d ms%n", (System.nanoTime() - start) / 1_000_000);

        // A daily schedule for shop and a backup that is fresh for 8 more seconds: it passes, then turns stale on time.
        create("Schedule", "daily", Map.of("schedule", "0 2 * * *", "template", Map.of("includedNamespaces", List.of("shop"), "ttl", "720h0m0s")), null);
        Instant staleAt = Instant.now().plusSeconds(8).truncatedTo(ChronoUnit.SECONDS);
        create("Backup", "daily-1", Map.of("includedNamespaces", List.of("shop")),
                Map.of("phase", "Completed", "completionTimestamp", staleAt.minus(Duration.ofHours(1)).toString()));
        await().atMost(WAIT).untilAsserted(() -> assertThat(control().getCompliant()).isEqualTo(1));
        await().atMost(WAIT).pollInterval(Duration.ofMillis(50)).untilAsserted(() -> assertThat(reasons()).contains("BackupStale"));
        long lag = Duration.between(staleAt, Instant.now()).toMillis();
        assertThat(lag).as("not before the backup is too old").isNotNegative();
        System.out.printf("[BackupScheduleIT] backup became too old -> BackupStale %d ms later (no event; resync 30m)%n", lag);

        // A fresh backup, then it fails.
        create("Backup", "daily-2", Map.of("includedNamespaces", List.of("shop")),
                Map.of("phase", "Completed", "completionTimestamp", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString()));
        await().atMost(WAIT).untilAsserted(() -> assertThat(control().getCompliant()).isEqualTo(1));
        GenericKubernetesResource failing = velero("Backup").withName("daily-2").get();
        failing.getAdditionalProperties().put("status", Map.of("phase", "Failed",
                "completionTimestamp", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString()));
        start = System.nanoTime();
        admin.resource(failing).update();
        await().atMost(WAIT).pollInterval(Duration.ofMillis(20)).untilAsserted(() -> assertThat(reasons()).contains("BackupFailed"));
        System.out.printf("[BackupScheduleIT] Backup turned Failed -> finding BackupFailed in %d ms%n", (System.nanoTime() - start) / 1_000_000);

        // Enforce: a managed Schedule for the uncovered namespace, written as the ServiceAccount; the user's is untouched.
        String userVersion = velero("Schedule").withName("daily").get().getMetadata().getResourceVersion();
        ControlPolicy policy = admin.resources(ControlPolicy.class).withName("backups").get();
        policy.getSpec().setMode(dev.evident.api.v1alpha1.Mode.Enforce);
        admin.resource(policy).update();
        await().atMost(WAIT).untilAsserted(() -> assertThat(velero("Schedule").withName("evident-legacy").get()).isNotNull());
        GenericKubernetesResource managed = velero("Schedule").withName("evident-legacy").get();
        assertThat(managed.getMetadata().getLabels()).containsEntry("app.kubernetes.io/managed-by", "evident");
        assertThat(managed.getAdditionalProperties().get("spec")).isEqualTo(Map.of("schedule", "0 2 * * *",
                "template", Map.of("includedNamespaces", List.of("legacy"), "ttl", "720h0m0s", "storageLocation", "default")));
        await().atMost(WAIT).untilAsserted(() -> assertThat(admin.v1().events().inNamespace("default").list().getItems())
                .anySatisfy(e -> {
                    assertThat(e.getReason()).isEqualTo("Remediated");
                    assertThat(e.getMessage()).contains("evident-legacy", "verified, still NoSuccessfulBackup");
                }));
        assertThat(velero("Schedule").withName("daily").get().getMetadata().getResourceVersion()).isEqualTo(userVersion);
        assertThat(log()).doesNotContain("Forbidden", "forbidden");
    }

    private static void create(String kind, String name, Map<String, Object> spec, Map<String, Object> status) {
        GenericKubernetesResource o = new io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder()
                .withApiVersion("velero.io/v1").withKind(kind).withNewMetadata().withName(name).withNamespace("velero").endMetadata()
                .addToAdditionalProperties("spec", spec).build();
        if (status != null) {
            o.getAdditionalProperties().put("status", status);
        }
        admin.resource(o).create();
    }

    private static io.fabric8.kubernetes.client.dsl.NonNamespaceOperation<GenericKubernetesResource,
            io.fabric8.kubernetes.api.model.GenericKubernetesResourceList, io.fabric8.kubernetes.client.dsl.Resource<GenericKubernetesResource>> velero(String kind) {
        return admin.genericKubernetesResources("velero.io/v1", kind).inNamespace("velero");
    }

    private static ControlSummary control() {
        ControlPolicyStatus status = admin.resources(ControlPolicy.class).withName("backups").get().getStatus();
        assertThat(status).isNotNull();
        assertThat(status.getControls()).hasSize(1);
        return status.getControls().get(0);
    }

    private static List<String> reasons() {
        ControlPolicyStatus status = admin.resources(ControlPolicy.class).withName("backups").get().getStatus();
        return status == null || status.getViolations() == null ? List.of()
                : status.getViolations().getItems().stream().map(v -> v.getReason()).toList();
    }

    private static String log() throws java.io.IOException {
        return Files.readString(OPERATOR_LOG);
    }

    private static String http(String path) throws Exception {
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(java.time.Duration.ofSeconds(10)).build().send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)).timeout(java.time.Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }
}

package dev.evident.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.evident.api.v1alpha1.ControlException;
import dev.evident.api.v1alpha1.ControlPolicy;
import dev.evident.controls.network.NetworkDefaultDeny;
import dev.evident.controls.network.PodSecurityLevel;
import dev.evident.engine.Labels;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ManagedFieldsEntry;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The packaged operator against a real API server, running as the ServiceAccount bound to the
 * ClusterRole in deploy/ (so RBAC gaps fail here), with server-side apply and garbage collection.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class OperatorIT {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();
    private static RealApiServer server;
    private static KubernetesClient admin;
    private static Process operator;
    private static int httpPort;
    private static Path operatorKubeconfig;
    private static Process standby;
    private static final Path OPERATOR_LOG = Path.of("target", "it-operator.log");

    @BeforeAll
    static void startClusterAndOperator() throws Exception {
        Path dir = Path.of("target", "it-apiserver").toAbsolutePath();
        RealApiServer.deleteRecursively(dir);
        server = RealApiServer.start(dir);
        admin = server.adminClient();
        applyAll(Path.of("crds"));
        RealApiServer.awaitGarbageCollectorWatchesPolicies(admin);
        Path kubeconfig = OperatorProcess.installAndLogIn(server, admin);

        httpPort = freePort();
        operatorKubeconfig = kubeconfig;
        operator = startOperator(httpPort, OPERATOR_LOG);
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(250)).ignoreExceptions()
                .untilAsserted(() -> assertThat(http(httpPort, "/q/health/ready")).contains("\"status\": \"UP\"").contains("\"role\": \"leader\""));
    }

    @AfterAll
    static void stop() throws Exception {
        for (Process p : new Process[] {operator, standby}) {
            if (p != null) {
                p.destroy();
                p.waitFor();
            }
        }
        if (admin != null) {
            admin.close();
        }
        if (server != null) {
            server.close();
        }
    }

    @Test
    @Order(1)
    void schemaRejectsBadValuesAndAppliesDefaults() {
        GenericKubernetesResource bad = policyYaml("bad-mode", "Sometimes", "restricted");
        assertThatThrownBy(() -> admin.resource(bad).create())
                .isInstanceOf(KubernetesClientException.class)
                .hasMessageContaining("spec.mode");
        GenericKubernetesResource badLevel = policyYaml("bad-level", "Audit", "strict");
        assertThatThrownBy(() -> admin.resource(badLevel).create()).hasMessageContaining("level");

        GenericKubernetesResource minimal = SERIALIZATION.unmarshal("""
                apiVersion: evident.dev/v1alpha1
                kind: ControlPolicy
                metadata: {name: defaults}
                spec:
                  namespaceSelector: {matchLabels: {test: nothing-has-this}}
                  controls:
                    - {id: NET-001, type: NetworkDefaultDeny, networkDefaultDeny: {}}
                """, GenericKubernetesResource.class);
        admin.resource(minimal).create();
        ControlPolicy stored = admin.resources(ControlPolicy.class).withName("defaults").get();
        assertThat(stored.getSpec().getMode()).hasToString("Audit");
        assertThat(stored.getSpec().getExcludedNamespaces()).containsExactly("kube-system", "kube-public", "kube-node-lease");
        assertThat(stored.getSpec().getControls().get(0).getNetworkDefaultDeny().getPolicyTypes()).hasSize(2);
        await().atMost(WAIT).untilAsserted(() -> assertThat(ready("defaults")).isEqualTo("True"));
        admin.resources(ControlPolicy.class).withName("defaults").delete();
    }

    @Test
    @Order(2)
    void enforceAppliesServerSideAndOwnsOnlyItsFields() {
        admin.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("it-a")
                .addToLabels("test", "it").addToLabels("team", "payments").endMetadata().build()).create();
        admin.resource(policyYaml("it-enforce", "Enforce", "restricted")).create();

        await().atMost(WAIT).untilAsserted(() -> {
            assertThat(managedPolicy("it-a")).isNotNull();
            assertThat(admin.namespaces().withName("it-a").get().getMetadata().getLabels()).containsEntry(Labels.PSS_ENFORCE, "restricted");
        });
        NetworkPolicy np = managedPolicy("it-a");
        assertThat(np.getMetadata().getManagedFields()).extracting(ManagedFieldsEntry::getManager, ManagedFieldsEntry::getOperation)
                .contains(org.assertj.core.groups.Tuple.tuple("evident", "Apply"));
        var ns = admin.namespaces().withName("it-a").get();
        assertThat(ns.getMetadata().getLabels()).containsEntry("team", "payments").containsEntry("test", "it");
        ManagedFieldsEntry pss = ns.getMetadata().getManagedFields().stream()
                .filter(m -> PodSecurityLevel.FIELD_MANAGER.equals(m.getManager())).findFirst().orElseThrow();
        assertThat(pss.getOperation()).isEqualTo("Apply");
        String owned = SERIALIZATION.asJson(pss.getFieldsV1());
        assertThat(owned).contains(Labels.PSS_ENFORCE).doesNotContain("team").doesNotContain("\"f:test\"");
        await().atMost(WAIT).untilAsserted(() -> assertThat(compliant("it-enforce")).isEqualTo("True"));
    }

    @Test
    @Order(3)
    void driftIsRepaired() throws IOException, InterruptedException {
        long start = System.nanoTime();
        admin.network().v1().networkPolicies().inNamespace("it-a").withName(NetworkDefaultDeny.MANAGED_NAME).delete();
        awaitRestored("it-a", WAIT);
        System.out.printf("[OperatorIT] managed NetworkPolicy deleted -> restored in %d ms%n", (System.nanoTime() - start) / 1_000_000);

        // kubectl patch --type=merge -p '{"spec":{"ingress":[{}]}}': another manager adds an allow-all rule. Server-side
        // apply never removes a field another manager owns, so only a replace brings the object back; the repair
        // counts only once the written object is verified.
        double successesBefore = counter("evident_remediations_total{control=\"NET-001\",outcome=\"success\",policy=\"it-enforce\"}");
        start = System.nanoTime();
        admin.network().v1().networkPolicies().inNamespace("it-a").withName(NetworkDefaultDeny.MANAGED_NAME)
                .patch(io.fabric8.kubernetes.client.dsl.base.PatchContext.of(io.fabric8.kubernetes.client.dsl.base.PatchType.JSON_MERGE),
                        "{\"spec\":{\"ingress\":[{}]}}");
        await().atMost(WAIT).pollInterval(Duration.ofMillis(20)).until(() -> {
            NetworkPolicy np = managedPolicy("it-a");
            return np.getSpec().getIngress() == null || np.getSpec().getIngress().isEmpty();
        });
        System.out.printf("[OperatorIT] allow-all ingress added by another manager -> removed in %d ms%n", (System.nanoTime() - start) / 1_000_000);
        await().atMost(WAIT).untilAsserted(() -> assertThat(counter(
                "evident_remediations_total{control=\"NET-001\",outcome=\"success\",policy=\"it-enforce\"}")).isEqualTo(successesBefore + 1));
        assertThat(http("/q/metrics")).doesNotContain("evident_remediations_total{control=\"NET-001\",outcome=\"failure\",policy=\"it-enforce\"}");
        // A changed field (ingress only, egress dropped) and a removed field are restored alike.
        admin.network().v1().networkPolicies().inNamespace("it-a").withName(NetworkDefaultDeny.MANAGED_NAME)
                .patch(io.fabric8.kubernetes.client.dsl.base.PatchContext.of(io.fabric8.kubernetes.client.dsl.base.PatchType.JSON_MERGE),
                        "{\"spec\":{\"policyTypes\":[\"Ingress\"],\"egress\":null}}");
        await().atMost(WAIT).untilAsserted(() -> assertThat(managedPolicy("it-a").getSpec().getPolicyTypes()).containsExactly("Ingress", "Egress"));
        assertThat(managedPolicy("it-a").getSpec().getEgress()).hasSize(1);
        assertThat(events("it-enforce")).extracting(e -> e.getReason()).doesNotContain("RemediationFailed");

        start = System.nanoTime();
        admin.namespaces().withName("it-a").edit(n -> new NamespaceBuilder(n).editMetadata().removeFromLabels(Labels.PSS_ENFORCE).endMetadata().build());
        await().atMost(WAIT).pollInterval(Duration.ofMillis(20)).until(() ->
                "restricted".equals(admin.namespaces().withName("it-a").get().getMetadata().getLabels().get(Labels.PSS_ENFORCE)));
        System.out.printf("[OperatorIT] pod-security label removed -> restored in %d ms%n", (System.nanoTime() - start) / 1_000_000);
        String rss = Files.readAllLines(Path.of("/proc", String.valueOf(operator.pid()), "status")).stream()
                .filter(l -> l.startsWith("VmRSS")).findFirst().orElse("VmRSS: unknown");
        double heapBytes = java.util.Arrays.stream(http("/q/metrics").split("\n"))
                .filter(l -> l.startsWith("jvm_memory_used_bytes{area=\"heap\""))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
        System.out.printf("[OperatorIT] operator process %s, heap in use %.0f MB (the informers of every control running)%n",
                rss.replaceAll("\\s+", " "), heapBytes / 1_000_000);
    }

    @Test
    @Order(4)
    void deletingThePolicyGarbageCollectsManagedObjectsAndRecordsIt() throws IOException {
        admin.resources(ControlPolicy.class).withName("it-enforce").delete();
        await().atMost(WAIT).untilAsserted(() -> {
            assertThat(admin.resources(ControlPolicy.class).withName("it-enforce").get()).isNull();
            assertThat(managedPolicy("it-a")).isNull();
        });
        assertThat(admin.namespaces().withName("it-a").get().getMetadata().getLabels()).containsEntry(Labels.PSS_ENFORCE, "restricted");
        assertThat(admin.v1().events().inNamespace("default").list().getItems())
                .filteredOn(e -> "PolicyDeleted".equals(e.getReason()) && "it-enforce".equals(e.getInvolvedObject().getName()))
                .first().satisfies(e -> assertThat(e.getMessage()).contains("NetworkPolicy it-a/evident-default-deny"));
        assertThat(Files.readString(OPERATOR_LOG)).as("operator log has no RBAC refusal").doesNotContain("Forbidden", "forbidden");
    }

    @Test
    @Order(5)
    void removeSubjectsFailsVisiblyWithoutTheOptionalRoleThenWorksWithIt() throws Exception {
        create("""
                apiVersion: rbac.authorization.k8s.io/v1
                kind: ClusterRoleBinding
                metadata: {name: it-mallory-admin}
                roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin}
                subjects:
                  - {kind: User, apiGroup: rbac.authorization.k8s.io, name: mallory}
                  - {kind: Group, apiGroup: rbac.authorization.k8s.io, name: "system:masters"}
                """);
        create("""
                apiVersion: evident.dev/v1alpha1
                kind: ControlPolicy
                metadata: {name: it-rbac}
                spec:
                  mode: Enforce
                  namespaceSelector: {matchLabels: {test: nothing-has-this}}
                  controls:
                    - id: RBAC-001
                      type: RbacLeastPrivilege
                      rbacLeastPrivilege:
                        allowedSubjects:
                          - {kind: Group, name: "system:masters"}
                          - {kind: ServiceAccount, namespace: kube-system, name: "*"}
                          - {kind: ServiceAccount, namespace: evident-system, name: evident}
                          - {kind: User, name: "system:kube-controller-manager"}
                        forbidAnonymous: false
                        remediation: RemoveSubjects
                """);

        // Without deploy/optional the API server refuses the update (no bind on cluster-admin): visible, not silent.
        await().atMost(WAIT).untilAsserted(() -> {
            assertThat(events("it-rbac")).filteredOn(e -> "RemediationFailed".equals(e.getReason()))
                    .anySatisfy(e -> assertThat(e.getMessage()).contains("it-mallory-admin").containsIgnoringCase("forbidden"));
            assertThat(conditionReason("it-rbac", "Compliant")).isEqualTo("RemediationFailed");
            assertThat(http("/q/metrics")).containsPattern(
                    "evident_remediations_total\\{control=\"RBAC-001\",outcome=\"failure\",policy=\"it-rbac\"} [1-9]");
        });
        assertThat(admin.rbac().clusterRoleBindings().withName("it-mallory-admin").get().getSubjects()).hasSize(2);
        // The refusal repeats (retry-after is 2 s here): one Event whose count rises, with the RBAC deploy/ ships.
        await().atMost(WAIT).untilAsserted(() -> assertThat(events("it-rbac")).filteredOn(e -> "RemediationFailed".equals(e.getReason())
                && e.getMessage().contains("it-mallory-admin")).singleElement().satisfies(e -> assertThat(e.getCount()).isGreaterThanOrEqualTo(2)));

        // With it, the next reconcile (triggered by the new binding's watch event) removes only mallory.
        admin.load(Files.newInputStream(Path.of("deploy", "optional", "rbac-remediation.yaml"))).serverSideApply();
        await().atMost(WAIT).untilAsserted(() -> assertThat(admin.rbac().clusterRoleBindings().withName("it-mallory-admin").get().getSubjects())
                .extracting(s -> s.getName()).containsExactly("system:masters"));
        assertThat(events("it-rbac")).filteredOn(e -> "OriginalRecorded".equals(e.getReason()))
                .anySatisfy(e -> assertThat(e.getMessage()).contains("it-mallory-admin").contains("mallory"));
        assertThat(Files.readString(OPERATOR_LOG)).contains("evident.originals").contains("it-mallory-admin");

        // A new cluster-admin grant is seen and removed from its watch event.
        long start = System.nanoTime();
        create("""
                apiVersion: rbac.authorization.k8s.io/v1
                kind: ClusterRoleBinding
                metadata: {name: it-eve-admin}
                roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin}
                subjects: [{kind: User, apiGroup: rbac.authorization.k8s.io, name: eve}]
                """);
        await().atMost(WAIT).pollInterval(Duration.ofMillis(20)).until(() -> admin.rbac().clusterRoleBindings().withName("it-eve-admin").get() == null);
        System.out.printf("[OperatorIT] new cluster-admin binding -> deleted in %d ms%n", (System.nanoTime() - start) / 1_000_000);
        // Kubernetes' own bootstrap bindings are never rewritten.
        assertThat(admin.rbac().clusterRoleBindings().withName("system:public-info-viewer").get().getSubjects()).hasSize(2);
        admin.resources(ControlPolicy.class).withName("it-rbac").delete();
    }

    @Test
    @Order(6)
    void auditReadsTheLiveClusterWithTheSameEngine() throws Exception {
        ProcessBuilder pb = new ProcessBuilder("java", "-jar", "target/quarkus-app/quarkus-run.jar", "audit",
                "--policy", "examples/policies", "--cluster", "--output", "json")
                .redirectError(ProcessBuilder.Redirect.INHERIT);
        pb.environment().put("KUBECONFIG", server.kubeconfig.toString());
        Process audit = pb.start();
        audit.getOutputStream().close();
        String out = new String(audit.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(audit.waitFor()).as(out).isEqualTo(1);
        var json = new com.fasterxml.jackson.databind.ObjectMapper().readTree(out);
        List<String> findings = new java.util.ArrayList<>();
        json.get("findings").forEach(f -> findings.add(f.get("control").asText() + " " + f.get("kind").asText() + " " + f.get("name").asText() + " " + f.get("result").asText()));
        assertThat(findings).contains(
                "PSS-001 Namespace it-a pass",
                "RBAC-001 ClusterRoleBinding system:public-info-viewer fail",
                "RBAC-001 ClusterRoleBinding cluster-admin pass",
                "ENC-002 Cluster kube-apiserver notApplicable");
    }

    @Test
    @Order(6)
    void theOperatorAndAuditAgreeOnTheSameObjects() throws Exception {
        Path fixture = Path.of("src", "test", "resources", "parity", "tls-secret-types.yaml");
        for (HasMetadata o : admin.load(Files.newInputStream(fixture)).items()) {
            admin.resource(o).create();
        }
        Path policy = Files.createTempFile("it-tls", ".yaml");
        Files.writeString(policy, """
                apiVersion: evident.dev/v1alpha1
                kind: ControlPolicy
                metadata: {name: it-tls}
                spec:
                  namespaceSelector: {matchLabels: {team: parity}}
                  controls:
                    - {id: TLS-001, type: IngressTLS, ingressTls: {}}
                """);
        admin.load(Files.newInputStream(policy)).items().forEach(o -> admin.resource(o).create());
        await().atMost(WAIT).ignoreExceptions().untilAsserted(() -> assertThat(admin.resources(ControlPolicy.class).withName("it-tls").get().getStatus().getViolations().getTotal()).isEqualTo(2));
        List<String> live = admin.resources(ControlPolicy.class).withName("it-tls").get().getStatus().getViolations().getItems().stream()
                .map(v -> v.getName() + " " + v.getReason() + " " + v.getMessage()).sorted().toList();

        ProcessBuilder pb = new ProcessBuilder("java", "-jar", "target/quarkus-app/quarkus-run.jar", "audit",
                "--policy", policy.toString(), "--resources", fixture.toString(), "--output", "json").redirectError(ProcessBuilder.Redirect.INHERIT);
        Process audit = pb.start();
        audit.getOutputStream().close();
        String out = new String(audit.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(audit.waitFor()).as(out).isEqualTo(1);
        List<String> offline = new java.util.ArrayList<>();
        new com.fasterxml.jackson.databind.ObjectMapper().readTree(out).get("findings").forEach(f -> {
            if ("fail".equals(f.get("result").asText())) {
                offline.add(f.get("name").asText() + " " + f.get("reason").asText() + " " + f.get("message").asText());
            }
        });
        offline.sort(null);
        assertThat(live).isEqualTo(offline).anyMatch(l -> l.startsWith("wrong-type TlsSecretWrongType"));
        admin.resources(ControlPolicy.class).withName("it-tls").delete();
    }

    @Test
    @Order(6)
    void aControlExceptionBecomesActiveWithItsStatusWrittenByTheOperator() {
        String exception = """
                apiVersion: evident.dev/v1alpha1
                kind: ControlException
                metadata: {name: it-waiver}
                spec:
                  policy: it-cex
                  controls: [NET-001]
                  namespaces: [it-cex]
                  justification: "Rebuilt from source on every deploy; holds no state."
                  approvedBy: security-lead@example.com
                  ticket: SEC-1234
                  expiresAt: "%s"
                """.formatted(Instant.now().plus(Duration.ofDays(30)).truncatedTo(ChronoUnit.SECONDS));
        assertThatThrownBy(() -> create(exception.replace("  approvedBy: security-lead@example.com\n", "")))
                .hasMessageContaining("approvedBy");
        admin.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("it-cex").addToLabels("test", "it-cex").endMetadata().build())
                .create();
        create("""
                apiVersion: evident.dev/v1alpha1
                kind: ControlPolicy
                metadata: {name: it-cex}
                spec:
                  namespaceSelector: {matchLabels: {test: it-cex}}
                  controls:
                    - {id: NET-001, type: NetworkDefaultDeny, networkDefaultDeny: {}}
                """);
        create(exception);

        await().atMost(WAIT).untilAsserted(() -> {
            ControlException stored = admin.resources(ControlException.class).withName("it-waiver").get();
            assertThat(stored.getStatus().getState()).isEqualTo("Active");
            assertThat(stored.getStatus().getCoveredCount()).isEqualTo(1);
            assertThat(stored.getStatus().getConditions()).singleElement().satisfies(c -> assertThat(c.getStatus()).isEqualTo("True"));
            assertThat(admin.resources(ControlPolicy.class).withName("it-cex").get().getStatus().getControls().get(0).getExcepted()).isEqualTo(1);
        });
        admin.resources(ControlException.class).withName("it-waiver").delete();
        admin.resources(ControlPolicy.class).withName("it-cex").delete();
        await().atMost(WAIT).untilAsserted(() -> assertThat(admin.resources(ControlException.class).withName("it-waiver").get()).isNull());
    }

    @Test
    @Order(7)
    void aStandbyReplicaTakesOverWhenTheLeaderDies() throws Exception {
        int standbyPort = freePort();
        standby = startOperator(standbyPort, Path.of("target", "it-operator-standby.log"));
        await().atMost(Duration.ofSeconds(90)).ignoreExceptions().untilAsserted(() ->
                assertThat(http(standbyPort, "/q/health/ready")).contains("\"status\": \"UP\"").contains("\"role\": \"standby\""));
        String leaderIdentity = admin.leases().inNamespace("evident-system").withName("evident-operator").get().getSpec().getHolderIdentity();
        assertThat(http("/q/health/ready")).contains(leaderIdentity);

        admin.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("it-ha").addToLabels("test", "ha").endMetadata().build()).create();
        create("""
                apiVersion: evident.dev/v1alpha1
                kind: ControlPolicy
                metadata: {name: it-ha}
                spec:
                  mode: Enforce
                  namespaceSelector: {matchLabels: {test: ha}}
                  controls:
                    - {id: NET-001, type: NetworkDefaultDeny, networkDefaultDeny: {}}
                """);
        await().atMost(WAIT).until(() -> managedPolicy("it-ha") != null);

        // The leader crashes (no chance to release the lease); drift happens while nobody leads.
        operator.destroyForcibly().waitFor();
        long start = System.nanoTime();
        admin.network().v1().networkPolicies().inNamespace("it-ha").withName(NetworkDefaultDeny.MANAGED_NAME).delete();
        awaitRestored("it-ha", Duration.ofSeconds(60));
        System.out.printf("[OperatorIT] leader killed -> standby repaired drift in %d ms%n", (System.nanoTime() - start) / 1_000_000);
        assertThat(http(standbyPort, "/q/health/ready")).contains("\"role\": \"leader\"");
        assertThat(admin.leases().inNamespace("evident-system").withName("evident-operator").get().getSpec().getHolderIdentity())
                .isNotEqualTo(leaderIdentity);
    }

    @Test
    @Order(8)
    void aLeaderStopsCleanlyOnSigtermAndExitsWhenItLosesItsLease() throws Exception {
        // A rolling update: the new replica is up as standby, then the leader gets SIGTERM. It must end promptly
        // (no exit-in-shutdown hang) and hand the Lease over, so the standby leads within about a second instead
        // of waiting out the 15 s lease.
        int port = freePort();
        Path log = Path.of("target", "it-operator-third.log");
        Process replica = startOperator(port, log);
        try {
            await().atMost(Duration.ofSeconds(90)).ignoreExceptions().untilAsserted(() ->
                    assertThat(http(port, "/q/health/ready")).contains("\"status\": \"UP\"").contains("\"role\": \"standby\""));
            long start = System.nanoTime();
            standby.destroy();
            assertThat(standby.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)).as("SIGTERM stops the leader").isTrue();
            assertThat(Files.readString(Path.of("target", "it-operator-standby.log"))).contains("released the lease");
            await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(50)).ignoreExceptions().untilAsserted(() ->
                    assertThat(http(port, "/q/health/ready")).contains("\"role\": \"leader\""));
            System.out.printf("[OperatorIT] leader stopped with SIGTERM -> standby leads in %d ms%n", (System.nanoTime() - start) / 1_000_000);
            // Another holder takes the lease (as after a partition): the leader must stop acting at once.
            // The leader renews every few seconds; retry the takeover when its renewal wins the race.
            await().atMost(WAIT).ignoreExceptions().until(() -> admin.leases().inNamespace("evident-system").withName("evident-operator").edit(lease -> {
                lease.getSpec().setHolderIdentity("someone-else");
                lease.getSpec().setRenewTime(java.time.ZonedDateTime.now(java.time.ZoneOffset.UTC));
                lease.getSpec().setLeaseDurationSeconds(3600);
                return lease;
            }) != null);
            assertThat(replica.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)).as("a leader that lost its lease exits").isTrue();
            assertThat(replica.exitValue()).isEqualTo(1);
            assertThat(Files.readString(log)).contains("lost the lease");
        } finally {
            replica.destroyForcibly();
        }
    }

    // --- helpers ---

    private static GenericKubernetesResource policyYaml(String name, String mode, String level) {
        return SERIALIZATION.unmarshal("""
                apiVersion: evident.dev/v1alpha1
                kind: ControlPolicy
                metadata: {name: %s}
                spec:
                  mode: %s
                  namespaceSelector: {matchLabels: {test: it}}
                  controls:
                    - {id: NET-001, type: NetworkDefaultDeny, networkDefaultDeny: {policyTypes: [Ingress, Egress], allowDns: true}}
                    - {id: PSS-001, type: PodSecurityLevel, podSecurityLevel: {level: %s}}
                """.formatted(name, mode, level), GenericKubernetesResource.class);
    }

    /** Creates the object written as YAML, as an administrator. */
    private static void create(String yaml) {
        admin.resource(SERIALIZATION.unmarshal(yaml, GenericKubernetesResource.class)).create();
    }

    /** Until the managed NetworkPolicy exists again (and is not the deleted one still terminating). */
    private static void awaitRestored(String namespace, Duration atMost) {
        await().atMost(atMost).pollInterval(Duration.ofMillis(20)).until(() -> {
            NetworkPolicy np = managedPolicy(namespace);
            return np != null && np.getMetadata().getDeletionTimestamp() == null;
        });
    }

    private static NetworkPolicy managedPolicy(String namespace) {
        return admin.network().v1().networkPolicies().inNamespace(namespace).withName(NetworkDefaultDeny.MANAGED_NAME).get();
    }

    private static List<io.fabric8.kubernetes.api.model.Event> events(String policy) {
        return admin.v1().events().inNamespace("default").list().getItems().stream()
                .filter(e -> policy.equals(e.getInvolvedObject().getName())).toList();
    }

    private static String ready(String policy) {
        return condition(policy, "Ready").map(Condition::getStatus).orElse(null);
    }

    private static String compliant(String policy) {
        return condition(policy, "Compliant").map(Condition::getStatus).orElse(null);
    }

    private static String conditionReason(String policy, String type) {
        return condition(policy, type).map(Condition::getReason).orElse(null);
    }

    private static java.util.Optional<Condition> condition(String policy, String type) {
        ControlPolicy p = admin.resources(ControlPolicy.class).withName(policy).get();
        if (p == null || p.getStatus() == null) return java.util.Optional.empty();
        return p.getStatus().getConditions().stream().filter(c -> type.equals(c.getType())).findFirst();
    }

    private static void applyAll(Path folder) throws IOException {
        try (Stream<Path> files = Files.list(folder)) {
            for (Path f : files.sorted().toList()) {
                for (HasMetadata o : admin.load(Files.newInputStream(f)).items()) {
                    // A plain create: 1.20 drops the CEL rules (x-kubernetes-validations) it does not know.
                    admin.resource(o).create();
                }
            }
        }
        await().atMost(WAIT).ignoreExceptions().until(() -> admin.resources(ControlPolicy.class).list() != null);
    }

    private static String http(String path) throws IOException, InterruptedException {
        return http(httpPort, path);
    }

    /** A series' value from the leader's /q/metrics, 0 when absent. */
    private static double counter(String series) throws IOException, InterruptedException {
        return java.util.Arrays.stream(http("/q/metrics").split("\n")).filter(l -> l.startsWith(series + " "))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
    }

    private static String http(int port, String path) throws IOException, InterruptedException {
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(java.time.Duration.ofSeconds(10)).build().send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)).timeout(java.time.Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    private static Process startOperator(int port, Path log) throws IOException {
        return OperatorProcess.start(operatorKubeconfig, port, log, "evident.remediation.retry-after=2s");
    }

    private static int freePort() throws IOException {
        return OperatorProcess.freePort();
    }

}

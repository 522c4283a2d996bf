package dev.evident.evidence;

import static org.assertj.core.api.Assertions.assertThat;

import dev.evident.api.v1alpha1.ControlPolicy;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Policy reports on a real Kubernetes 1.20 API server (shared/tools/kube-apiserver.sh): the minimal OpenReports
 * and wgpolicyk8s.io CRDs (structural schemas, so the server prunes and validates what Evident writes) are
 * applied, auto-detection prefers OpenReports, and the flag selects wgpolicyk8s.io.
 */
class PolicyReportsIT {
    static final Path SCRIPT = Path.of("..", "shared", "tools", "kube-apiserver.sh");
    static Path dir;
    static KubernetesClient client;

    @BeforeAll
    static void start() throws Exception {
        dir = Files.createTempDirectory("evident-policyreports-it");
        script("start", dir.toString());
        client = new KubernetesClientBuilder().withConfig(Config.fromKubeconfig(Files.readString(dir.resolve("kubeconfig")))).build();
        for (String file : List.of("openreports-crds.yaml", "wgpolicyk8s-crds.yaml")) {
            try (InputStream in = PolicyReportsIT.class.getResourceAsStream("/policyreports/" + file)) {
                for (HasMetadata crd : client.load(in).items()) {
                    client.resource((CustomResourceDefinition) crd).create();
                }
            }
        }
        for (String crd : List.of("reports.openreports.io", "clusterreports.openreports.io", "policyreports.wgpolicyk8s.io",
                "clusterpolicyreports.wgpolicyk8s.io")) {
            client.apiextensions().v1().customResourceDefinitions().withName(crd).waitUntilCondition(
                    c -> c != null && c.getStatus() != null && c.getStatus().getConditions() != null && c.getStatus().getConditions().stream()
                            .anyMatch(x -> "Established".equals(x.getType()) && "True".equals(x.getStatus())), 60, TimeUnit.SECONDS);
        }
        for (int i = 0; i < 3; i++) {
            client.namespaces().resource(new io.fabric8.kubernetes.api.model.NamespaceBuilder().withNewMetadata().withName("ns-" + i)
                    .endMetadata().build()).create();
        }
    }

    @AfterAll
    static void stop() throws Exception {
        if (client != null) {
            client.close();
        }
        if (dir != null) {
            script("stop", dir.toString());
        }
    }

    private static void script(String... args) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of("bash", SCRIPT.toString()));
        command.addAll(List.of(args));
        Path log = Files.createTempFile("kube-apiserver-" + args[0], ".log");
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!p.waitFor(180, TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IllegalStateException("kube-apiserver.sh " + String.join(" ", args) + " failed:\n" + Files.readString(log));
        }
    }

    @Test
    void autoPrefersOpenReportsAndTheServerAcceptsTheReports() {
        PolicyReportPublisher publisher = new PolicyReportPublisher(client, Clock.systemUTC(), "auto", 500, Runnable::run);
        assertThat(publisher.api()).contains(PolicyReports.Api.OPENREPORTS);
        ControlPolicy policy = PolicyReportsTest.policy();
        policy.getMetadata().setUid(null); // no owner here: without the ControlPolicy CRD the garbage collector would remove them
        publisher.publish(policy, PolicyReportsTest.evaluate(policy, PolicyReportsTest.cluster(3, "restricted")));

        GenericKubernetesResource ns1 = client.genericKubernetesResources(PolicyReports.Api.OPENREPORTS.context(true)).inNamespace("ns-1")
                .withName("evident-baseline").get();
        assertThat(ns1).isNotNull();
        // What came back is what was written: the structural schema pruned nothing.
        assertThat(ns1.getAdditionalProperties().get("summary")).isEqualTo(Map.of("pass", 0, "fail", 1, "warn", 0, "error", 0, "skip", 0));
        @SuppressWarnings("unchecked")
        Map<String, Object> result = ((List<Map<String, Object>>) ns1.getAdditionalProperties().get("results")).get(0);
        assertThat(result.get("properties")).isEqualTo(Map.of("criteria", "CC6.8", "reason", "LabelMissing", "evidentResult", "fail"));
        assertThat(result.get("resources")).isEqualTo(List.of(Map.of("kind", "Namespace", "name", "ns-1")));
        assertThat(client.genericKubernetesResources(PolicyReports.Api.OPENREPORTS.context(false)).withName("evident-baseline").get()).isNotNull();

        String version = ns1.getMetadata().getResourceVersion();
        publisher.publish(policy, PolicyReportsTest.evaluate(policy, PolicyReportsTest.cluster(3, "restricted")));
        assertThat(client.genericKubernetesResources(PolicyReports.Api.OPENREPORTS.context(true)).inNamespace("ns-1")
                .withName("evident-baseline").get().getMetadata().getResourceVersion()).as("unchanged: not rewritten").isEqualTo(version);
    }

    @Test
    void theFlagSelectsWgPolicyReports() {
        PolicyReportPublisher publisher = new PolicyReportPublisher(client, Clock.systemUTC(), "wgpolicyk8s", 500, Runnable::run);
        ControlPolicy policy = PolicyReportsTest.policy();
        policy.getMetadata().setUid(null);
        publisher.publish(policy, PolicyReportsTest.evaluate(policy, PolicyReportsTest.cluster(3, "restricted")));
        GenericKubernetesResource report = client.genericKubernetesResources(PolicyReports.Api.WGPOLICY.context(true)).inNamespace("ns-2")
                .withName("evident-baseline").get();
        assertThat(report.getApiVersion()).isEqualTo("wgpolicyk8s.io/v1alpha2");
        assertThat(report.getAdditionalProperties().get("summary")).isEqualTo(Map.of("pass", 1, "fail", 0, "warn", 0, "error", 0, "skip", 0));
        assertThat(client.genericKubernetesResources(PolicyReports.Api.WGPOLICY.context(false)).withName("evident-baseline").get()).isNotNull();
    }
}

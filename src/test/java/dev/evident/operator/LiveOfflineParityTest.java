package dev.evident.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.evident.api.v1alpha1.ControlPolicy;
import dev.evident.cli.EvidentCommand;
import dev.evident.engine.Finding;
import dev.evident.engine.PolicyEvaluation;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * For the same objects, the operator (informer caches fed by an API server) and `audit` (files) give the
 * same findings: every example policy over the example cluster and the parity fixtures, compared finding by
 * finding (control, object, result, reason, message, plan). The mock API server holds other tests' objects
 * too, so the live side is narrowed to the objects the files name. CRDs in the files (optional kinds: Cilium, Gateway
 * API) are created first and marked established, as an API server does, and removed afterwards.
 */
@QuarkusTest
@QuarkusTestResource(MockKubernetes.class)
class LiveOfflineParityTest {
    private static final Instant NOW = Instant.parse("2026-11-23T12:00:00Z");
    private static final List<Path> CLUSTERS = List.of(Path.of("examples", "cluster"), Path.of("src", "test", "resources", "parity"));
    private static final List<Path> POLICIES = List.of(Path.of("examples", "policies", "soc2-baseline.yaml"), Path.of("examples", "enforce", "soc2-enforce.yaml"));
    /** The example ControlExceptions (of soc2-baseline): live from the API server, offline from --policy. */
    private static final Path EXCEPTIONS = Path.of("examples", "exceptions");

    @Inject
    KubernetesClient client;

    @Inject
    ControlPolicyReconciler reconciler;

    @Test
    void everyExamplePolicyGivesTheSameFindingsLiveAndOffline() throws Exception {
        List<HasMetadata> objects = new ArrayList<>();
        for (Path dir : CLUSTERS) {
            for (Path file : yamlFiles(dir)) {
                try (InputStream in = Files.newInputStream(file)) {
                    objects.addAll(client.load(in).items());
                }
            }
        }
        // CRDs first, established as an API server would, so that the custom objects can be created and are watched
        List<CustomResourceDefinition> definitions = new ArrayList<>();
        for (HasMetadata o : objects) {
            if (o instanceof CustomResourceDefinition crd) {
                CustomResourceDefinition created = client.resource(crd).createOr(existing -> existing.update());
                created.setStatus(new CustomResourceDefinitionStatusBuilder().addNewCondition().withType("Established").withStatus("True")
                        .endCondition().build());
                definitions.add(client.resource(created).updateStatus());
            }
        }
        List<HasMetadata> exceptions = new ArrayList<>();
        for (Path file : yamlFiles(EXCEPTIONS)) {
            try (InputStream in = Files.newInputStream(file)) {
                exceptions.addAll(client.load(in).items());
            }
        }
        exceptions.forEach(o -> client.resource(o).createOr(existing -> existing.update()));
        try {
            compare(objects);
        } finally {
            exceptions.forEach(o -> client.resource(o).delete());
            // other tests share the mock API server: the kinds go away again
            definitions.forEach(d -> client.resource(d).delete());
        }
    }

    private void compare(List<HasMetadata> objects) throws Exception {
        objects.stream().filter(o -> !(o instanceof CustomResourceDefinition)).forEach(o -> client.resource(o).createOr(existing -> existing.update()));
        Set<String> namespaces = objects.stream().map(o -> "Namespace".equals(o.getKind()) ? o.getMetadata().getName() : o.getMetadata().getNamespace())
                .filter(Objects::nonNull).collect(Collectors.toSet());
        Set<String> clusterScoped = objects.stream().filter(o -> o.getMetadata().getNamespace() == null)
                .map(o -> o.getKind() + "/" + o.getMetadata().getName()).collect(Collectors.toSet());

        for (Path policyFile : POLICIES) {
            ControlPolicy policy = Serialization.unmarshal(Files.readString(policyFile), ControlPolicy.class);
            Set<String> offline = offline(policyFile);
            if (policy.getMetadata().getName().equals("soc2-baseline")) {
                assertThat(offline).as("the example exceptions apply").anyMatch(l -> l.contains("system:public-info-viewer | excepted"))
                        .anyMatch(l -> l.contains("kube-apiserver | excepted"));
            }
            assertThat(offline).as("offline findings of " + policyFile).hasSizeGreaterThan(20)
                    .anyMatch(l -> l.contains("wrong-type") && l.contains("TlsSecretWrongType"))
                    .anyMatch(l -> l.contains("missing") && l.contains("TlsSecretMissing"));
            await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
                PolicyEvaluation live = reconciler.evaluateLive(policy, NOW);
                Set<String> liveFindings = live.findings().stream()
                        .filter(f -> f.object().namespace() != null ? namespaces.contains(f.object().namespace())
                                : clusterScoped.contains(f.object().kind() + "/" + f.object().name()) || "Cluster".equals(f.object().kind()))
                        .map(LiveOfflineParityTest::line).collect(Collectors.toCollection(TreeSet::new));
                assertThat(liveFindings).as("live findings of " + policyFile).isEqualTo(offline);
            });
        }
    }

    /**
     * Velero's objects, read live as generic resources once their CRDs appear (created here, after the operator
     * started), give the same BackupSchedule findings as `audit` over the same files.
     */
    @Test
    void backupFindingsAreTheSameLiveAndOffline() throws Exception {
        try (InputStream in = Files.newInputStream(Path.of("src", "test", "resources", "velero", "crds.yaml"))) {
            for (HasMetadata o : client.load(in).items()) {
                var crd = (io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition) o;
                // the mock server does not establish CRDs as an API server does: say it is
                crd.setStatus(new io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionStatusBuilder()
                        .addNewCondition().withType("Established").withStatus("True").endCondition().build());
                client.resource(crd).createOr(existing -> existing.update());
            }
        }
        Path cluster = Path.of("examples", "velero", "cluster");
        for (Path file : yamlFiles(cluster)) {
            try (InputStream in = Files.newInputStream(file)) {
                for (HasMetadata o : client.load(in).items()) {
                    if (o instanceof io.fabric8.kubernetes.api.model.GenericKubernetesResource g) {
                        client.genericKubernetesResources(new io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext.Builder()
                                .withGroup("velero.io").withVersion("v1").withKind(g.getKind()).withPlural(g.getKind().toLowerCase() + "s")
                                .withNamespaced(true).build()).inNamespace(g.getMetadata().getNamespace()).resource(g).createOr(e -> e.update());
                    } else if (client.namespaces().withName(o.getMetadata().getName()).get() != null) {
                        // a namespace of the other examples: only add the label this policy selects on, keep theirs
                        client.namespaces().withName(o.getMetadata().getName()).edit(ns -> {
                            if (ns.getMetadata().getLabels() == null) {
                                ns.getMetadata().setLabels(new java.util.HashMap<>());
                            }
                            ns.getMetadata().getLabels().putAll(o.getMetadata().getLabels() == null ? java.util.Map.of() : o.getMetadata().getLabels());
                            return ns;
                        });
                    } else {
                        client.resource(o).create();
                    }
                }
            }
        }
        Path policyFile = Path.of("examples", "velero", "policy.yaml");
        ControlPolicy policy = Serialization.unmarshal(Files.readString(policyFile), ControlPolicy.class);
        Set<String> offline = new TreeSet<>();
        StringWriter out = new StringWriter();
        var cli = EvidentCommand.commandLine(new ByteArrayInputStream(new byte[0]), Clock.fixed(NOW, ZoneOffset.UTC));
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(new StringWriter()));
        cli.execute("audit", "--policy", policyFile.toString(), "--resources", cluster.toString(), "--output", "json", "--now", NOW.toString());
        new ObjectMapper().readTree(out.toString()).get("findings").forEach(f -> offline.add(String.join(" | ", f.get("control").asText(),
                f.get("name").asText(), f.get("result").asText(), f.get("reason").asText(), f.get("message").asText(),
                f.get("remediation").isNull() ? "-" : f.get("remediation").asText())));
        assertThat(offline).hasSize(4).anyMatch(l -> l.contains("BackupFailed"));
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
            Set<String> live = reconciler.evaluateLive(policy, NOW).findings().stream()
                    .map(f -> String.join(" | ", f.control(), f.object().name(), f.result().wire(), f.reason(), f.message(),
                            f.remediation() == null ? "-" : f.remediation().summary()))
                    .collect(Collectors.toCollection(TreeSet::new));
            assertThat(live).isEqualTo(offline);
        });
    }

    private static String line(Finding f) {
        return String.join(" | ", f.control(), f.object().kind(), String.valueOf(f.object().namespace()), f.object().name(),
                f.result().wire(), f.reason(), f.message(), f.remediation() == null ? "-" : f.remediation().summary());
    }

    /** The same lines from `audit --output json` over the files. */
    private static Set<String> offline(Path policyFile) throws Exception {
        Set<String> lines = new TreeSet<>();
        for (Path cluster : CLUSTERS) {
            StringWriter out = new StringWriter();
            var cli = EvidentCommand.commandLine(new ByteArrayInputStream(new byte[0]), Clock.fixed(NOW, ZoneOffset.UTC));
            cli.setOut(new PrintWriter(out));
            cli.setErr(new PrintWriter(new StringWriter()));
            List<String> args = new ArrayList<>(List.of("audit", "--policy", policyFile.toString(), "--resources", cluster.toString(),
                    "--output", "json", "--now", NOW.toString()));
            if (policyFile.endsWith("soc2-baseline.yaml")) {
                args.addAll(List.of("--policy", EXCEPTIONS.toString()));
            }
            int exit = cli.execute(args.toArray(String[]::new));
            assertThat(exit).as(out.toString()).isIn(0, 1);
            JsonNode json = new ObjectMapper().readTree(out.toString());
            json.get("findings").forEach(f -> lines.add(String.join(" | ", f.get("control").asText(), f.get("kind").asText(),
                    f.get("namespace").isNull() ? "null" : f.get("namespace").asText(), f.get("name").asText(), f.get("result").asText(),
                    f.get("reason").asText(), f.get("message").asText(), f.get("remediation").isNull() ? "-" : f.get("remediation").asText())));
        }
        return lines;
    }

    private static List<Path> yamlFiles(Path dir) throws Exception {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList();
        }
    }
}

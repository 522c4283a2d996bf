package dev.evident.evidence;

import static org.assertj.core.api.Assertions.assertThat;

import dev.evident.api.v1alpha1.ControlPolicy;
import dev.evident.api.v1alpha1.Mode;
import dev.evident.engine.Fixtures;
import dev.evident.operator.OperatorNamespace;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.client.KubernetesClient;
import dev.evident.testing.CrudApiServer;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Checkpoints are published outside the log: on stdout and as an Event in the operator's namespace. */
class CheckpointEventTest {
    private CrudApiServer api;
    private KubernetesMockServer server;
    private KubernetesClient client;
    @TempDir
    Path dir;

    @BeforeEach
    void start() {
        api = CrudApiServer.start();
        server = api.server;
        client = api.client;
    }

    @AfterEach
    void stop() {
        api.close();
    }

    @Test
    void aCheckpointIsAlsoAnEvent() throws Exception {
        // The signing key Secret: checkpoints are written only when they can be signed.
        var keys = java.security.KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        String pem = Checkpoints.pem("PRIVATE KEY", keys.getPrivate().getEncoded());
        client.secrets().inNamespace("evident-system").resource(new io.fabric8.kubernetes.api.model.SecretBuilder()
                .withNewMetadata().withName("evident-evidence-signing").endMetadata()
                .addToData("private.pem", java.util.Base64.getEncoder().encodeToString(pem.getBytes())).build()).create();
        EvidenceRecorder recorder = new EvidenceRecorder(Clock.fixed(Fixtures.NOW, ZoneOffset.UTC), client, new OperatorNamespace("evident-system"),
                new SimpleMeterRegistry(), true, dir, Duration.ofHours(1), Duration.ofDays(400), 64L << 20, Duration.ofDays(1), Duration.ZERO,
                "evident-evidence-signing", "private.pem");
        ControlPolicy policy = Fixtures.policy("p", Mode.Audit, Fixtures.podSecurityLevel("PSS-001", "baseline"));
        recorder.evaluated(policy, Fixtures.evaluate(policy, Fixtures.namespace("web")), Fixtures.NOW);

        List<Event> events = client.v1().events().inNamespace("evident-system").list().getItems();
        assertThat(events).filteredOn(e -> "EvidenceCheckpoint".equals(e.getReason())).isNotEmpty().allSatisfy(e -> {
            assertThat(e.getMessage()).contains("\"type\":\"checkpoint\"").contains("\"hash\":\"sha256:");
            assertThat(e.getInvolvedObject().getKind()).isEqualTo("Namespace");
        });
    }
}

package dev.evident.evidence;

import static dev.evident.evidence.EvidenceLogTest.data;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Signed checkpoints: what a hash chain alone cannot show, a signature (or a checkpoint published elsewhere) does. */
class ChainCheckpointTest {
    @TempDir
    Path tmp;
    KeyPair keys;
    Path publicKey;
    MutableClock clock = new MutableClock(Instant.parse("2025-01-01T00:00:00Z"));

    static KeyPair ed25519() {
        try {
            return KeyPairGenerator.getInstance(Checkpoints.ALGORITHM).generateKeyPair();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static Checkpoints.Signer signer(KeyPair keys) {
        // Through PEM, as the operator reads the key from a Secret.
        return new Checkpoints.Signer(Checkpoints.privateKey(Checkpoints.pem("PRIVATE KEY", keys.getPrivate().getEncoded())),
                Checkpoints.keyId(keys.getPublic()));
    }

    @BeforeEach
    void keys() throws IOException {
        keys = ed25519();
        publicKey = Files.writeString(tmp.resolve("evident.pub"), Checkpoints.pem("PUBLIC KEY", keys.getPublic().getEncoded()));
    }

    /** A directory log with checkpoints every 10 minutes and at each daily rotation; the checkpoints it published. */
    private List<String> signedLog(Path dir, int hours) {
        EvidenceLog log = EvidenceLog.openDirectory(dir, clock, new EvidenceLog.Settings(1 << 20, Duration.ofDays(1), Duration.ofDays(400), Duration.ofMinutes(10)));
        log.signWith(signer(keys));
        List<String> published = new ArrayList<>();
        log.onWritten(r -> {
            if (r.type().equals(RecordTypes.CHECKPOINT)) {
                published.add(r.line());
            }
        });
        for (int i = 0; i < hours * 12; i++) {
            log.append(RecordTypes.HEARTBEAT, data("intervalSeconds", 300));
            clock.advance(Duration.ofMinutes(5));
        }
        return published;
    }

    @Test
    void checkpointsAreWrittenAtIntervalsAndRotationAndVerifyWithThePublicKey() {
        Path dir = tmp.resolve("log");
        List<String> published = signedLog(dir, 30);
        List<EvidenceRecord> records = EvidenceFiles.records(dir);
        long checkpoints = records.stream().filter(r -> r.type().equals(RecordTypes.CHECKPOINT)).count();
        // One per 10 minutes of heartbeats every 5 minutes, plus one at the rotation after 24 h.
        assertThat(checkpoints).isBetween(30L * 6 - 2, 30L * 6 + 2);
        assertThat(published).hasSize((int) checkpoints);
        assertThat(EvidenceFiles.segments(dir)).hasSize(2);
        List<EvidenceRecord> first = EvidenceFiles.records(EvidenceFiles.segments(dir).get(0));
        assertThat(first.get(first.size() - 1).type()).as("the old segment ends with a checkpoint").isEqualTo(RecordTypes.CHECKPOINT);

        Run run = Run.cli("evidence", "verify", dir.toString(), "--public-key", publicKey.toString());
        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.out()).contains(checkpoints + " signed with key " + Checkpoints.keyId(keys.getPublic()));
    }

    @Test
    void aRewrittenTailWithARecomputedChainFailsAgainstThePublicKey() throws IOException {
        Path dir = tmp.resolve("log");
        signedLog(dir, 2);
        Path file = EvidenceFiles.segments(dir).get(0);
        rewriteTail(file, 10, true);
        // The chain alone is intact again: the attacker recomputed every hash and re-pointed the checkpoints.
        assertThat(Run.cli("evidence", "verify", dir.toString()).exitCode()).isZero();
        Run run = Run.cli("evidence", "verify", dir.toString(), "--public-key", publicKey.toString());
        assertThat(run.exitCode()).as(run.toString()).isEqualTo(1);
        assertThat(run.err()).contains("checkpoint signature does not verify with the public key");
    }

    @Test
    void aRewrittenTailWithoutItsCheckpointsFailsAgainstAnEarlierPublishedCheckpoint() throws IOException {
        Path dir = tmp.resolve("log");
        List<String> published = signedLog(dir, 2);
        Path file = EvidenceFiles.segments(dir).get(0);
        rewriteTail(file, 10, false);
        assertThat(Run.cli("evidence", "verify", dir.toString(), "--public-key", publicKey.toString()).exitCode())
                .as("the checkpoints before the rewrite still verify").isZero();
        Path stdout = Files.writeString(tmp.resolve("from-stdout.jsonl"), String.join("\n", published) + "\n");
        Run run = Run.cli("evidence", "verify", dir.toString(), "--public-key", publicKey.toString(), "--checkpoint", stdout.toString());
        assertThat(run.exitCode()).as(run.toString()).isEqualTo(1);
        assertThat(run.err()).containsAnyOf("hash differs from the published checkpoint", "records removed from the end");
    }

    @Test
    void anotherKeyDoesNotVerify() throws IOException {
        Path dir = tmp.resolve("log");
        signedLog(dir, 1);
        Path other = Files.writeString(tmp.resolve("other.pub"), Checkpoints.pem("PUBLIC KEY", ed25519().getPublic().getEncoded()));
        Run run = Run.cli("evidence", "verify", dir.toString(), "--public-key", other.toString());
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).contains("signature does not verify");
    }

    @Test
    void aLogWithoutCheckpointsFailsWhenSignaturesAreRequired() {
        Path file = tmp.resolve("plain.jsonl");
        EvidenceLog.openFile(file, clock).append(RecordTypes.RUN, data("n", 1));
        Run run = Run.cli("evidence", "verify", file.toString(), "--public-key", publicKey.toString());
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).contains("no checkpoint in the log is signed with this public key");
    }

    /**
     * What someone with write access to the volume but without the private key can do: change the records
     * from index keep on and recompute the chain; either keep the checkpoints (pointed at the new hashes, with
     * their old signatures) or drop them.
     */
    private static void rewriteTail(Path file, int keep, boolean keepCheckpoints) throws IOException {
        List<EvidenceRecord> records = EvidenceFiles.records(file);
        List<String> lines = new ArrayList<>();
        EvidenceRecord prev = null;
        long seq = 0;
        for (int i = 0; i < records.size(); i++) {
            EvidenceRecord r = records.get(i);
            if (i < keep) {
                lines.add(r.line());
                prev = r;
                seq = r.seq();
                continue;
            }
            var data = r.data().deepCopy();
            if (r.type().equals(RecordTypes.CHECKPOINT)) {
                if (!keepCheckpoints) {
                    continue;
                }
                data.put("seq", prev.seq());
                data.put("hash", prev.hash());
                data.put("time", prev.time());
            } else {
                data.put("intervalSeconds", 3600);
            }
            EvidenceRecord forged = EvidenceRecord.create(++seq, r.instant(), r.type(), data, prev.hash());
            lines.add(forged.line());
            prev = forged;
        }
        Files.write(file, lines);
        // Later segments would need the same treatment; the tests use a single segment.
    }
}

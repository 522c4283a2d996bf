package dev.evident.evidence;

import static dev.evident.evidence.EvidenceLogTest.data;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EvidenceVerifyCommandTest {
    @TempDir
    Path tmp;

    private Path log(int records) {
        Path file = tmp.resolve("evidence.jsonl");
        MutableClock clock = new MutableClock(Instant.parse("2025-01-01T00:00:00Z"));
        EvidenceLog log = EvidenceLog.openFile(file, clock);
        for (int i = 1; i <= records; i++) {
            clock.advance(Duration.ofMinutes(1));
            log.append(RecordTypes.RUN, data("n", i));
        }
        return file;
    }

    @Test
    void anIntactLogExitsZero() {
        Path file = log(5);
        Run run = Run.cli("evidence", "verify", file.toString());
        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.out()).contains("intact: 5 records, seq 1-5, head sha256:");
    }

    @Test
    void anEditedRecordExitsOneNamingItsSeq() throws IOException {
        Path file = log(5);
        List<String> lines = new ArrayList<>(Files.readAllLines(file));
        lines.set(2, lines.get(2).replace("\"n\":3", "\"n\":4"));
        Files.write(file, lines);
        Run run = Run.cli("evidence", "verify", file.toString());
        assertThat(run.exitCode()).as(run.toString()).isEqualTo(1);
        assertThat(run.err()).contains("TAMPERED: seq 3: hash does not match");
    }

    @Test
    void aRemovedRecordExitsOneNamingTheFirstBadSeq() throws IOException {
        Path file = log(5);
        List<String> lines = new ArrayList<>(Files.readAllLines(file));
        lines.remove(1);
        Files.write(file, lines);
        Run run = Run.cli("evidence", "verify", file.toString());
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).contains("seq 3: expected seq 2");
    }

    @Test
    void aMissingMiddleSegmentIsDetected() throws IOException {
        Path dir = tmp.resolve("dir");
        MutableClock clock = new MutableClock(Instant.parse("2025-01-01T00:00:00Z"));
        EvidenceLog log = EvidenceLog.openDirectory(dir, clock, EvidenceLog.Settings.DEFAULT);
        for (int day = 0; day < 4; day++) {
            log.append(RecordTypes.HEARTBEAT, data("day", day));
            clock.advance(Duration.ofDays(1));
        }
        assertThat(Run.cli("evidence", "verify", dir.toString()).exitCode()).isZero();
        Files.delete(EvidenceFiles.segments(dir).get(2));
        Run run = Run.cli("evidence", "verify", dir.toString());
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).contains("seq 4: expected seq 3");
    }

    @Test
    void aTailCutIsDetectedAgainstAPublishedCheckpoint() throws IOException {
        Path file = log(5);
        List<String> lines = Files.readAllLines(file);
        Path published = Files.writeString(tmp.resolve("published.jsonl"), lines.get(4) + "\n");
        assertThat(Run.cli("evidence", "verify", file.toString(), "--checkpoint", published.toString()).exitCode()).isZero();
        Files.write(file, lines.subList(0, 3));
        Run alone = Run.cli("evidence", "verify", file.toString());
        assertThat(alone.exitCode()).isZero();
        assertThat(alone.out()).contains("compare the head with a published checkpoint");
        Run anchored = Run.cli("evidence", "verify", file.toString(), "--checkpoint", published.toString());
        assertThat(anchored.exitCode()).isEqualTo(1);
        assertThat(anchored.err()).contains("seq 5: a published checkpoint names it, but the log ends at seq 3");
    }

    @Test
    void unreadableInputExitsTwo() throws IOException {
        Run missing = Run.cli("evidence", "verify", tmp.resolve("nope.jsonl").toString());
        assertThat(missing.exitCode()).isEqualTo(2);
        assertThat(missing.err()).contains("nope.jsonl: no such file or directory");
        Run emptyDir = Run.cli("evidence", "verify", Files.createDirectory(tmp.resolve("empty")).toString());
        assertThat(emptyDir.exitCode()).isEqualTo(2);
        assertThat(emptyDir.err()).contains("no evidence segments");
        Path key = Files.writeString(tmp.resolve("key.pem"), "not a key");
        Run badKey = Run.cli("evidence", "verify", log(1).toString(), "--public-key", key.toString());
        assertThat(badKey.exitCode()).isEqualTo(2);
        assertThat(badKey.err()).contains("key.pem: not an Ed25519 public key");
    }

    @Test
    void anEmptyFileIsNotAnIntactLog() throws IOException {
        Run run = Run.cli("evidence", "verify", Files.writeString(tmp.resolve("empty.jsonl"), "").toString());
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).contains("no records");
    }
}

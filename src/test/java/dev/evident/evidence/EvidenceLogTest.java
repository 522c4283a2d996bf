package dev.evident.evidence;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EvidenceLogTest {
    static final Instant T0 = Instant.parse("2025-01-01T00:00:00Z");
    @TempDir
    Path tmp;

    static ObjectNode data(String key, Object value) {
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        node.putPOJO(key, value);
        return (ObjectNode) EvidenceRecord.JSON.valueToTree(node);
    }

    static ChainVerifier.Verification verify(Path path) {
        return new ChainVerifier(List.of(), null).verify(path);
    }

    @Test
    void recordsAreChainedCanonicalLines() throws IOException {
        Path file = tmp.resolve("sub/evidence.jsonl");
        EvidenceLog log = EvidenceLog.openFile(file, new MutableClock(T0));
        ObjectNode unordered = JsonNodeFactory.instance.objectNode();
        unordered.put("z", 1);
        unordered.put("a", "x\"y");
        unordered.putObject("m").put("b", true).put("a", 2.5);
        EvidenceRecord first = log.append(RecordTypes.RUN, unordered);
        EvidenceRecord second = log.append(RecordTypes.HEARTBEAT, data("intervalSeconds", 60));

        List<String> lines = Files.readAllLines(file);
        assertThat(lines).hasSize(2);
        assertThat(lines.get(0)).isEqualTo("{\"seq\":1,\"time\":\"2025-01-01T00:00:00.000Z\",\"type\":\"run\","
                + "\"data\":{\"a\":\"x\\\"y\",\"m\":{\"a\":2.5,\"b\":true},\"z\":1},\"prev\":\"" + EvidenceRecord.GENESIS
                + "\",\"hash\":\"" + first.hash() + "\"}");
        // The hash is SHA-256 over the line without its hash field, as the README documents.
        String canonical = lines.get(0).substring(0, lines.get(0).indexOf(",\"hash\":")) + "}";
        assertThat(first.hash()).isEqualTo(EvidenceRecord.sha256(canonical));
        assertThat(second.prev()).isEqualTo(first.hash());
        assertThat(second.seq()).isEqualTo(2);
        assertThat(verify(file).intact()).isTrue();
        assertThat(log.healthy()).isTrue();
    }

    @Test
    void restartResumesTheChain() {
        Path file = tmp.resolve("evidence.jsonl");
        MutableClock clock = new MutableClock(T0);
        EvidenceLog.openFile(file, clock).append(RecordTypes.RUN, data("n", 1));
        clock.advance(Duration.ofMinutes(1));
        EvidenceLog reopened = EvidenceLog.openFile(file, clock);
        assertThat(reopened.head().seq()).isEqualTo(1);
        EvidenceRecord next = reopened.append(RecordTypes.RUN, data("n", 2));
        assertThat(next.seq()).isEqualTo(2);
        ChainVerifier.Verification v = verify(file);
        assertThat(v.intact()).as(v.problem()).isTrue();
        assertThat(v.records()).isEqualTo(2);
    }

    @Test
    void segmentsRotateBySizeAndAgeAndTheChainContinuesAcrossThem() throws IOException {
        Path dir = tmp.resolve("log");
        MutableClock clock = new MutableClock(T0);
        EvidenceLog.Settings settings = new EvidenceLog.Settings(1000, Duration.ofDays(1), Duration.ofDays(400), Duration.ofHours(1));
        EvidenceLog log = EvidenceLog.openDirectory(dir, clock, settings);
        for (int i = 0; i < 20; i++) {
            log.append(RecordTypes.RUN, data("padding", "x".repeat(200)));
        }
        List<Path> bySize = EvidenceFiles.segments(dir);
        assertThat(bySize.size()).isGreaterThanOrEqualTo(5);
        clock.advance(Duration.ofDays(1));
        log.append(RecordTypes.HEARTBEAT, data("intervalSeconds", 60));
        List<Path> segments = EvidenceFiles.segments(dir);
        assertThat(segments).hasSize(bySize.size() + 1);
        // Each segment is named after its first seq, and the chain runs through all of them.
        for (Path segment : segments) {
            EvidenceRecord first = EvidenceFiles.records(segment).get(0);
            assertThat(segment.getFileName().toString()).isEqualTo(EvidenceFiles.segmentName(first.seq()));
        }
        ChainVerifier.Verification v = verify(dir);
        assertThat(v.intact()).as(v.problem()).isTrue();
        assertThat(v.records()).isEqualTo(21);

        // Restart: the chain resumes in the last segment.
        EvidenceLog reopened = EvidenceLog.openDirectory(dir, clock, settings);
        assertThat(reopened.append(RecordTypes.RUN, data("n", 1)).seq()).isEqualTo(22);
        assertThat(verify(dir).intact()).isTrue();
        assertThat(EvidenceFiles.segments(dir)).hasSize(segments.size());
    }

    @Test
    void retentionRemovesOldSegmentsAndRecordsIt() {
        Path dir = tmp.resolve("log");
        MutableClock clock = new MutableClock(T0);
        EvidenceLog.Settings settings = new EvidenceLog.Settings(1 << 20, Duration.ofDays(1), Duration.ofDays(10), Duration.ofHours(1));
        EvidenceLog log = EvidenceLog.openDirectory(dir, clock, settings);
        for (int day = 0; day < 15; day++) {
            log.append(RecordTypes.HEARTBEAT, data("day", day));
            clock.advance(Duration.ofDays(1));
        }
        List<EvidenceRecord> records = EvidenceFiles.records(dir);
        // A segment goes once the next one starts before the cutoff (so all its records are older than 10 days):
        // the last rotation, on day 14, removed the segments of days 0-2. What is left verifies and says what went.
        assertThat(records.get(0).instant()).isEqualTo(T0.plus(Duration.ofDays(3)));
        assertThat(records).anyMatch(r -> r.type().equals(RecordTypes.RETENTION));
        ChainVerifier.Verification v = verify(dir);
        assertThat(v.intact()).as(v.problem()).isTrue();
        assertThat(v.firstSeq()).isGreaterThan(1);
        assertThat(v.notes()).anyMatch(n -> n.contains("removed by retention"));
    }

    @Test
    void aPartialLastLineIsKeptInARecoveredRecordAndTheChainContinues() throws IOException {
        Path file = tmp.resolve("evidence.jsonl");
        MutableClock clock = new MutableClock(T0);
        EvidenceLog log = EvidenceLog.openFile(file, clock);
        log.append(RecordTypes.RUN, data("n", 1));
        EvidenceRecord cut = EvidenceRecord.create(2, T0, RecordTypes.RUN, data("n", 2), log.head().hash());
        String partial = cut.line().substring(0, 40);
        Files.writeString(file, partial, java.nio.file.StandardOpenOption.APPEND);
        assertThat(verify(file).problem()).contains("partial last line").contains("after seq 1");

        EvidenceLog reopened = EvidenceLog.openFile(file, clock);
        assertThat(reopened.warnings()).singleElement().asString().contains("40 byte(s) after the last complete record (seq 1)");
        List<EvidenceRecord> records = EvidenceFiles.records(file);
        assertThat(records).hasSize(2);
        EvidenceRecord recovered = records.get(1);
        assertThat(recovered.type()).isEqualTo(RecordTypes.RECOVERED);
        assertThat(new String(Base64.getDecoder().decode(recovered.data().path("base64").asText()), StandardCharsets.UTF_8)).isEqualTo(partial);
        assertThat(reopened.append(RecordTypes.RUN, data("n", 3)).seq()).isEqualTo(3);
        assertThat(verify(file).intact()).isTrue();
    }

    @Test
    void aCompleteLastRecordWithoutItsNewlineIsKept() throws IOException {
        Path file = tmp.resolve("evidence.jsonl");
        MutableClock clock = new MutableClock(T0);
        EvidenceLog log = EvidenceLog.openFile(file, clock);
        log.append(RecordTypes.RUN, data("n", 1));
        log.append(RecordTypes.RUN, data("n", 2));
        byte[] bytes = Files.readAllBytes(file);
        Files.write(file, java.util.Arrays.copyOf(bytes, bytes.length - 1));
        EvidenceLog reopened = EvidenceLog.openFile(file, clock);
        assertThat(reopened.head().seq()).isEqualTo(2);
        reopened.append(RecordTypes.RUN, data("n", 3));
        assertThat(EvidenceFiles.records(file)).extracting(EvidenceRecord::seq).containsExactly(1L, 2L, 3L);
        assertThat(verify(file).intact()).isTrue();
    }

    /** Fails every write until told otherwise, and half-writes once, as a full disk would. */
    static final class FlakyIo implements EvidenceLog.Io {
        boolean failing;

        @Override
        public void write(Path file, long position, byte[] bytes) throws IOException {
            if (failing) {
                // A write cut short leaves junk behind: the retry must overwrite it.
                EvidenceLog.FILES.write(file, position, java.util.Arrays.copyOf(bytes, bytes.length / 2));
                throw new IOException("No space left on device");
            }
            EvidenceLog.FILES.write(file, position, bytes);
        }

        @Override
        public void delete(Path file) throws IOException {
            EvidenceLog.FILES.delete(file);
        }
    }

    @Test
    void writeFailuresAreRetriedAndNothingIsLost() {
        Path dir = tmp.resolve("log");
        MutableClock clock = new MutableClock(T0);
        FlakyIo io = new FlakyIo();
        EvidenceLog log = EvidenceLog.openDirectory(dir, clock, EvidenceLog.Settings.DEFAULT, io);
        List<Long> written = new ArrayList<>();
        log.onWritten(r -> written.add(r.seq()));
        log.append(RecordTypes.RUN, data("n", 1));
        io.failing = true;
        clock.advance(Duration.ofSeconds(1));
        log.append(RecordTypes.RUN, data("n", 2));
        clock.advance(Duration.ofSeconds(1));
        log.append(RecordTypes.RUN, data("n", 3));
        assertThat(log.healthy()).isFalse();
        assertThat(log.queued()).isEqualTo(2);
        assertThat(log.writeErrors()).isEqualTo(2);
        assertThat(log.lastError()).contains("No space left");
        assertThat(log.flush()).isFalse();
        assertThat(written).containsExactly(1L);

        io.failing = false;
        assertThat(log.flush()).isTrue();
        assertThat(log.healthy()).isTrue();
        assertThat(written).containsExactly(1L, 2L, 3L);
        List<EvidenceRecord> records = EvidenceFiles.records(dir);
        assertThat(records).extracting(r -> r.data().path("n").asInt()).containsExactly(1, 2, 3);
        // Records keep the time they were appended at, not the time the disk came back.
        assertThat(records.get(1).instant()).isEqualTo(T0.plusSeconds(1));
        assertThat(verify(dir).intact()).isTrue();
    }

    @Test
    void anUnwritableDirectoryMakesTheLogUnhealthyWithoutThrowing() throws IOException {
        Path notADir = Files.writeString(tmp.resolve("file"), "x");
        EvidenceLog log = EvidenceLog.openDirectory(notADir.resolve("log"), new MutableClock(T0), EvidenceLog.Settings.DEFAULT);
        log.append(RecordTypes.RUN, data("n", 1));
        assertThat(log.healthy()).isFalse();
        assertThat(log.writeErrors()).isPositive();
    }
}

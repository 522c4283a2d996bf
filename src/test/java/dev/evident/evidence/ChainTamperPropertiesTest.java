package dev.evident.evidence;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Property: any single edit, deletion, insertion, reordering or truncation of a valid log fails verification
 * against the published head. Without it, the only change that can pass is cutting whole records off the end.
 * Appending a correctly chained record is not a change a chain can see; signed checkpoints cover that.
 */
class ChainTamperPropertiesTest {
    static final long SEED = Long.getLong("evident.seed", 20250301L);
    static final int CASES = 400;

    enum Mutation { EDIT, DELETE, INSERT_COPY, INSERT_FORGED, INSERT_JUNK, REORDER, TRUNCATE }

    @TempDir
    Path tmp;

    @Test
    void everySingleChangeIsDetected() throws IOException {
        Random random = new Random(SEED);
        Map<Mutation, Integer> counts = new EnumMap<>(Mutation.class);
        int passedWithoutAnchor = 0;
        for (int i = 0; i < CASES; i++) {
            Path file = tmp.resolve("log-" + i + ".jsonl");
            EvidenceRecord head = validLog(file, random);
            byte[] original = Files.readAllBytes(file);
            Mutation mutation = Mutation.values()[random.nextInt(Mutation.values().length)];
            byte[] mutated = mutate(original, mutation, random, head);
            assertThat(mutated).as("case %d (%s) changed nothing", i, mutation).isNotEqualTo(original);
            Files.write(file, mutated);
            counts.merge(mutation, 1, Integer::sum);
            String context = "seed " + SEED + " case " + i + " " + mutation + "\n" + new String(mutated, StandardCharsets.UTF_8);

            ChainVerifier.Verification anchored = new ChainVerifier(List.of(new ChainVerifier.Anchor(head.seq(), head.hash())), null).verify(file);
            assertThat(anchored.intact()).as(context).isFalse();
            assertThat(anchored.problem()).as(context).isNotBlank();

            ChainVerifier.Verification alone = new ChainVerifier(List.of(), null).verify(file);
            if (alone.intact()) {
                passedWithoutAnchor++;
                assertThat(isWholeLinePrefix(mutated, original)).as("only a tail cut may pass without the head: " + context).isTrue();
            }
        }
        System.out.printf("ChainTamperPropertiesTest: seed %d, %d cases %s, %d tail cuts pass without the published head%n",
                SEED, CASES, counts, passedWithoutAnchor);
        assertThat(counts).hasSize(Mutation.values().length);
    }

    private static boolean isWholeLinePrefix(byte[] mutated, byte[] original) {
        return mutated.length < original.length && Arrays.equals(mutated, Arrays.copyOf(original, mutated.length))
                && (mutated.length == 0 || mutated[mutated.length - 1] == '\n');
    }

    static EvidenceRecord validLog(Path file, Random random) {
        MutableClock clock = new MutableClock(Instant.parse("2025-01-01T00:00:00Z").plusSeconds(random.nextInt(1_000_000)));
        EvidenceLog log = EvidenceLog.openFile(file, clock);
        int n = 2 + random.nextInt(12);
        String[] types = {RecordTypes.FINDING, RecordTypes.RUN, RecordTypes.HEARTBEAT, RecordTypes.POLICY};
        for (int i = 0; i < n; i++) {
            clock.advance(Duration.ofMillis(random.nextInt(100_000)));
            log.append(types[random.nextInt(types.length)], randomData(random, 2));
        }
        return log.head();
    }

    static ObjectNode randomData(Random random, int depth) {
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        int fields = 1 + random.nextInt(4);
        for (int i = 0; i < fields; i++) {
            String key = randomText(random, 1 + random.nextInt(6));
            switch (random.nextInt(depth > 0 ? 5 : 4)) {
                case 0 -> node.put(key, randomText(random, random.nextInt(20)));
                case 1 -> node.put(key, random.nextInt(2000) - 1000);
                case 2 -> node.put(key, random.nextBoolean());
                case 3 -> node.putArray(key).add(randomText(random, 3)).add(random.nextLong());
                default -> node.set(key, randomData(random, depth - 1));
            }
        }
        return node;
    }

    static String randomText(Random random, int length) {
        String alphabet = "abcXYZ019 -_.:/\"\\\u00e9\u4e2d\t";
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < length; i++) {
            text.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return text.toString();
    }

    static byte[] mutate(byte[] original, Mutation mutation, Random random, EvidenceRecord head) {
        List<byte[]> lines = lines(original);
        switch (mutation) {
            case EDIT -> {
                byte[] copy = original.clone();
                int at = random.nextInt(copy.length);
                copy[at] = (byte) (copy[at] + 1 + random.nextInt(255));
                return copy;
            }
            case DELETE -> lines.remove(random.nextInt(lines.size()));
            case INSERT_COPY -> lines.add(random.nextInt(lines.size() + 1), lines.get(random.nextInt(lines.size())).clone());
            case INSERT_FORGED -> {
                // A well-formed record with a correct hash of its own, chained to a record other than the last one.
                // (Appending a well-chained record at the end is what the writer does; only signed checkpoints tell
                // a forged append apart: ChainCheckpointTest.)
                int after = random.nextInt(lines.size() - 1);
                EvidenceRecord prev = EvidenceFiles.parse(new String(lines.get(after), StandardCharsets.UTF_8).stripTrailing());
                EvidenceRecord forged = EvidenceRecord.create(prev.seq() + 1, prev.instant(), RecordTypes.RUN, randomData(random, 1), prev.hash());
                lines.add(after + 1, (forged.line() + "\n").getBytes(StandardCharsets.UTF_8));
            }
            case INSERT_JUNK -> lines.add(random.nextInt(lines.size() + 1),
                    random.nextBoolean() ? "\n".getBytes(StandardCharsets.UTF_8) : ("{\"note\":\"" + randomText(random, 5) + "\"}\n").getBytes(StandardCharsets.UTF_8));
            case REORDER -> {
                int a = random.nextInt(lines.size());
                int b = (a + 1 + random.nextInt(lines.size() - 1)) % lines.size();
                byte[] swap = lines.get(a);
                lines.set(a, lines.get(b));
                lines.set(b, swap);
            }
            case TRUNCATE -> {
                return Arrays.copyOf(original, random.nextInt(original.length));
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        lines.forEach(out::writeBytes);
        return out.toByteArray();
    }

    /** Lines with their newlines. */
    static List<byte[]> lines(byte[] bytes) {
        List<byte[]> lines = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == '\n') {
                lines.add(Arrays.copyOfRange(bytes, start, i + 1));
                start = i + 1;
            }
        }
        if (start < bytes.length) {
            lines.add(Arrays.copyOfRange(bytes, start, bytes.length));
        }
        return lines;
    }
}

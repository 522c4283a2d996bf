package dev.evident.evidence;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Where the records are: a single file, or a directory of segments {@code evidence-<first seq, 20 digits>.jsonl}
 * that continue one chain. Reads lines as bytes, so a missing final newline and invalid UTF-8 are seen.
 */
public final class EvidenceFiles {
    static final Pattern SEGMENT = Pattern.compile("evidence-(\\d{20})\\.jsonl");

    private EvidenceFiles() {
    }

    /** A log's location could not be read (exit 2), as opposed to a log that fails verification. */
    public static final class UnreadableException extends RuntimeException {
        public UnreadableException(String message) {
            super(message);
        }
    }

    static String segmentName(long firstSeq) {
        return "evidence-%020d.jsonl".formatted(firstSeq);
    }

    /** The first seq a segment's name promises, or -1 for a plain file. */
    static long firstSeqOf(Path file) {
        Matcher m = SEGMENT.matcher(file.getFileName().toString());
        return m.matches() ? Long.parseLong(m.group(1)) : -1;
    }

    /** The files of a log in chain order: the file itself, or the directory's segments. */
    public static List<Path> files(Path path) {
        if (Files.isDirectory(path)) {
            List<Path> segments = segments(path);
            if (segments.isEmpty()) {
                throw new UnreadableException(path + ": no evidence segments (evidence-<seq>.jsonl) in this directory");
            }
            return segments;
        }
        if (!Files.isRegularFile(path)) {
            throw new UnreadableException(path + ": no such file or directory");
        }
        if (!Files.isReadable(path)) {
            throw new UnreadableException(path + ": not readable");
        }
        return List.of(path);
    }

    /** The segments of a directory log in chain order (possibly none). */
    static List<Path> segments(Path directory) {
        try (Stream<Path> list = Files.list(directory)) {
            return list.filter(p -> SEGMENT.matcher(p.getFileName().toString()).matches()).sorted().toList();
        } catch (IOException e) {
            throw new UnreadableException(directory + ": cannot list directory: " + e.getMessage());
        }
    }

    /** One line of a file: its number, its bytes decoded (null when not UTF-8) and whether a newline ended it. */
    record Line(Path file, int number, long offset, String text, boolean terminated) {
        String where() {
            return file.getFileName() + ":" + number;
        }
    }

    interface LineVisitor {
        void line(Line line);
    }

    static void lines(Path file, LineVisitor visitor) {
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
            ByteArrayOutputStream current = new ByteArrayOutputStream(512);
            int number = 0;
            long offset = 0;
            long position = 0;
            int b;
            while ((b = in.read()) >= 0) {
                position++;
                if (b == '\n') {
                    visitor.line(new Line(file, ++number, offset, decode(current.toByteArray()), true));
                    current.reset();
                    offset = position;
                } else {
                    current.write(b);
                }
            }
            if (current.size() > 0) {
                visitor.line(new Line(file, ++number, offset, decode(current.toByteArray()), false));
            }
        } catch (NoSuchFileException e) {
            throw new UnreadableException(file + ": no such file");
        } catch (IOException e) {
            throw new UnreadableException(file + ": cannot read: " + e.getMessage());
        }
    }

    private static String decode(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    /**
     * The record a line holds, or null when the line is not exactly a record in canonical form (the hash is not
     * checked here).
     */
    static EvidenceRecord parse(String text) {
        if (text == null || text.isEmpty() || text.charAt(0) != '{') {
            return null;
        }
        JsonNode node;
        try {
            node = EvidenceRecord.JSON.readTree(text);
        } catch (IOException e) {
            return null;
        }
        if (node == null || !node.isObject() || node.size() != 6 || !node.path("seq").isIntegralNumber()
                || !node.path("time").isTextual() || !node.path("type").isTextual() || !node.path("data").isObject()
                || !node.path("prev").isTextual() || !node.path("hash").isTextual()) {
            return null;
        }
        EvidenceRecord record = new EvidenceRecord(node.get("seq").asLong(), node.get("time").asText(), node.get("type").asText(),
                (ObjectNode) node.get("data"), node.get("prev").asText(), node.get("hash").asText());
        return record.line().equals(text) ? record : null;
    }

    /** All records of a log that parse, in order (for tools and tests; verification reads with ChainVerifier). */
    public static List<EvidenceRecord> records(Path path) {
        List<EvidenceRecord> records = new ArrayList<>();
        for (Path file : files(path)) {
            lines(file, line -> {
                EvidenceRecord record = parse(line.text());
                if (record != null) {
                    records.add(record);
                }
            });
        }
        return records;
    }
}

package dev.evident.evidence;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;

/**
 * One evidence record, one line of the log:
 * {@code {"seq":N,"time":"...","type":"...","data":{...},"prev":"sha256:...","hash":"sha256:..."}}.
 *
 * <p>The canonical form, which is hashed, is the same line without {@code ,"hash":...}: the fields in
 * exactly the order seq, time, type, data, prev; no whitespace; the keys of every object inside data
 * sorted by UTF-16 code unit (Java's {@code String.compareTo}); strings UTF-8 with only {@code "},
 * {@code \} and control characters escaped (RFC 8259). {@code hash} is {@code sha256:} and the lowercase hex
 * SHA-256 of the canonical form's UTF-8 bytes; {@code prev} is the previous record's hash, or
 * {@link #GENESIS} for seq 1. A line that is not byte for byte its own canonical rendering is an edit.
 */
public record EvidenceRecord(long seq, String time, String type, ObjectNode data, String prev, String hash) {
    public static final String GENESIS = "sha256:" + "0".repeat(64);
    /** Milliseconds, always three digits, UTC: one spelling per instant. */
    static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);
    static final ObjectMapper JSON = new ObjectMapper();

    /** A new record chained after prev (its hash), with data put in canonical order. */
    public static EvidenceRecord create(long seq, Instant time, String type, ObjectNode data, String prev) {
        ObjectNode sorted = (ObjectNode) sorted(data);
        String timeText = TIME.format(time);
        return new EvidenceRecord(seq, timeText, type, sorted, prev, sha256(canonical(seq, timeText, type, sorted, prev)));
    }

    public Instant instant() {
        return Instant.parse(time);
    }

    /** The line as written to the log, without the newline. */
    public String line() {
        String canonical = canonical(seq, time, type, data, prev);
        return canonical.substring(0, canonical.length() - 1) + ",\"hash\":" + quote(hash) + "}";
    }

    /** Whether hash is the hash of this record's content. */
    public boolean hashMatches() {
        return hash.equals(sha256(canonical(seq, time, type, data, prev)));
    }

    static String canonical(long seq, String time, String type, JsonNode data, String prev) {
        return "{\"seq\":" + seq + ",\"time\":" + quote(time) + ",\"type\":" + quote(type) + ",\"data\":" + write(sorted(data))
                + ",\"prev\":" + quote(prev) + "}";
    }

    static String sha256(String text) {
        return sha256(text.getBytes(StandardCharsets.UTF_8));
    }

    static String sha256(byte[] bytes) {
        try {
            return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }

    /** A copy of the tree with the keys of every object sorted. */
    static JsonNode sorted(JsonNode node) {
        if (node.isObject()) {
            Map<String, JsonNode> fields = new TreeMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                fields.put(e.getKey(), sorted(e.getValue()));
            }
            ObjectNode copy = JsonNodeFactory.instance.objectNode();
            fields.forEach(copy::set);
            return copy;
        }
        if (node.isArray()) {
            var copy = JsonNodeFactory.instance.arrayNode();
            node.forEach(element -> copy.add(sorted(element)));
            return copy;
        }
        return node;
    }

    private static String quote(String text) {
        return write(JsonNodeFactory.instance.textNode(text));
    }

    private static String write(JsonNode node) {
        try {
            return JSON.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot render evidence record", e);
        }
    }
}

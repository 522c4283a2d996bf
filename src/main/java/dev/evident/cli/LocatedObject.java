package dev.evident.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.HashMap;
import java.util.Map;

/**
 * A mapping as read from a file, with the line of each key: enough to name the line of any field of a
 * document without building a string per field path.
 */
final class LocatedObject extends ObjectNode {
    private final int line;
    private final Map<String, Integer> keyLines = new HashMap<>();

    LocatedObject(int line) {
        super(JsonNodeFactory.instance);
        this.line = line;
    }

    int line() {
        return line;
    }

    void put(String key, JsonNode value, int keyLine) {
        keyLines.put(key, keyLine);
        set(key, value);
    }

    /** The line of a key, or of this mapping when it has no such key. */
    int lineOf(String key) {
        Integer at = has(key) ? keyLines.get(key) : null;
        return at == null ? line : at;
    }
}

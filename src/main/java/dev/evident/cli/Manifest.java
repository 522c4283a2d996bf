package dev.evident.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;

/**
 * One Kubernetes object as read from a file, before it is given a type, with where it came from.
 *
 * @param source     the file name as the user gave it, or {@code <stdin>}
 * @param line       the 1-based line where the object starts
 * @param body       the object
 * @param fieldLines the line of each field path of the document the object came from ({@code spec.controls[0].id})
 * @param root       the path of this object within that document: empty, or {@code items[3]} for an item of a List
 */
public record Manifest(String source, int line, ObjectNode body, Map<String, Integer> fieldLines, String root) {

    public String kind() {
        return text("kind");
    }

    public String apiVersion() {
        return text("apiVersion");
    }

    public String name() {
        JsonNode name = body.path("metadata").path("name");
        return name.isTextual() ? name.asText() : null;
    }

    /** {@code file:line} of the object. */
    public String where() {
        return source + ":" + line;
    }

    /** {@code file:line} of a field (a path such as {@code spec.controls[0].type}), or of its nearest enclosing field. */
    public String where(String fieldPath) {
        String path = root.isEmpty() ? fieldPath : fieldPath.isEmpty() ? root : root + "." + fieldPath;
        while (!path.isEmpty() && !fieldLines.containsKey(path)) {
            path = path.substring(0, Math.max(0, Math.max(path.lastIndexOf('.'), path.lastIndexOf('['))));
        }
        Integer at = fieldLines.get(path);
        return source + ":" + (at == null || path.length() < root.length() ? line : at);
    }

    private String text(String field) {
        JsonNode value = body.get(field);
        return value != null && value.isTextual() && !value.asText().isBlank() ? value.asText() : null;
    }
}

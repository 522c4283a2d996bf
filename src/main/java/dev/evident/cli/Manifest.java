package dev.evident.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * One Kubernetes object as read from a file, before it is given a type, with where it came from.
 *
 * @param source the file name as the user gave it, or {@code <stdin>}
 * @param line   the 1-based line where the object starts
 * @param body   the object, as read (with the line of each field when read from a file)
 */
public record Manifest(String source, int line, ObjectNode body) {

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

    /**
     * {@code file:line} of a field (a path such as {@code spec.controls[0].type}), or of its nearest enclosing
     * field; the line is found by walking the tree, only when a message needs it.
     */
    public String where(String fieldPath) {
        int at = line;
        JsonNode node = body;
        for (String segment : fieldPath.isEmpty() ? new String[0] : fieldPath.split("\\.")) {
            int bracket = segment.indexOf('[');
            String field = bracket < 0 ? segment : segment.substring(0, bracket);
            if (!field.isEmpty()) {
                if (!(node instanceof LocatedObject object) || !object.has(field)) {
                    break;
                }
                at = object.lineOf(field);
                node = object.get(field);
            }
            boolean found = true;
            for (int open = bracket; open >= 0 && found; open = segment.indexOf('[', open + 1)) {
                int index = Integer.parseInt(segment.substring(open + 1, segment.indexOf(']', open)));
                found = node instanceof LocatedArray array && index < array.size();
                if (found) {
                    at = ((LocatedArray) node).lineOf(index);
                    node = node.get(index);
                }
            }
            if (!found) {
                break;
            }
        }
        return source + ":" + at;
    }

    private String text(String field) {
        JsonNode value = body.get(field);
        return value != null && value.isTextual() && !value.asText().isBlank() ? value.asText() : null;
    }
}

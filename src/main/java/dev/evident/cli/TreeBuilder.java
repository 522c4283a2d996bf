package dev.evident.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Builds one document's tree from parser events (YAML or JSON), with the line of every key and item.
 * Rejects duplicate keys and nesting deeper than {@value #MAX_DEPTH}; resolves YAML merge keys; and hands
 * the items of a top-level List to a sink one by one instead of keeping them, so a {@code kind: List}
 * export of any size is read in the memory of its largest item.
 */
final class TreeBuilder {
    /** Far beyond any Kubernetes object (managedFields nest about 15 deep), far below a stack overflow. */
    static final int MAX_DEPTH = 200;

    /** Receives the items of a top-level List as they complete. */
    interface ItemSink {
        void item(LocatedObject item, int index);
    }

    private static final class Frame {
        final JsonNode node;
        final int line;
        String key;
        int keyLine;
        boolean mergeKey;
        boolean merged;
        List<JsonNode> merges;
        int mergeLine;
        boolean streamItems;
        int index;

        Frame(JsonNode node, int line) {
            this.node = node;
            this.line = line;
        }
    }

    private final String source;
    private final ItemSink sink;
    private final ArrayDeque<Frame> stack = new ArrayDeque<>();
    private JsonNode root;
    private int streamed = -1;

    /** @param sink receives the items of a top-level List (null: keep them in the tree) */
    TreeBuilder(String source, ItemSink sink) {
        this.source = source;
        this.sink = sink;
    }

    /** The finished document, or null before it ends. */
    JsonNode root() {
        return root;
    }

    /** How many items went to the sink, or -1 when the document's items (if any) are in the tree. */
    int streamedItems() {
        return streamed;
    }

    boolean inContainer() {
        return !stack.isEmpty();
    }

    void startObject(int line) {
        push(new Frame(new LocatedObject(line), line));
    }

    void startArray(int line) {
        Frame frame = new Frame(new LocatedArray(line), line);
        Frame parent = stack.peek();
        if (sink != null && stack.size() == 1 && parent.node.isObject() && "items".equals(parent.key) && !parent.mergeKey
                && isListHeader((LocatedObject) parent.node)) {
            frame.streamItems = true;
            streamed = 0;
        }
        push(frame);
    }

    /** The kind is known to be a List before its items: apiVersion v1 (kubectl's List) or a kind ending in List. */
    private static boolean isListHeader(LocatedObject document) {
        JsonNode kind = document.get("kind");
        return "v1".equals(document.path("apiVersion").asText(null)) || kind != null && kind.isTextual() && kind.asText().endsWith("List");
    }

    private void push(Frame frame) {
        if (stack.size() >= MAX_DEPTH) {
            throw new InputException(source + ":" + frame.line + ": nesting deeper than " + MAX_DEPTH + " levels");
        }
        stack.push(frame);
    }

    /** A key in the current mapping; a YAML merge key ({@code <<}) merges the mapping(s) that follow. */
    void key(String key, int line, boolean mergeKey) {
        Frame frame = stack.peek();
        if (mergeKey) {
            if (frame.merged) {
                throw new InputException(source + ":" + line + ": duplicate merge key <<");
            }
            frame.merged = true;
            frame.mergeLine = line;
        } else if (frame.node.has(key)) {
            throw new InputException(source + ":" + line + ": duplicate key '" + Text.escape(key) + "' (first on line "
                    + ((LocatedObject) frame.node).lineOf(key) + ")");
        }
        frame.key = key;
        frame.keyLine = line;
        frame.mergeKey = mergeKey;
    }

    /** A scalar, or an already built node (a YAML alias). */
    void value(JsonNode value, int line) {
        attach(value, line);
    }

    /** Ends the current mapping or sequence and returns it. */
    JsonNode end() {
        Frame frame = stack.pop();
        if (frame.merges != null) {
            merge((LocatedObject) frame.node, frame.merges, frame.mergeLine);
        }
        attach(frame.streamItems ? new LocatedArray(frame.line) : frame.node, frame.line);
        return frame.node;
    }

    private void attach(JsonNode value, int line) {
        Frame parent = stack.peek();
        if (parent == null) {
            root = value;
        } else if (parent.node instanceof LocatedObject object) {
            if (parent.mergeKey) {
                addMerge(parent, value, line);
            } else {
                object.put(parent.key, value, parent.keyLine);
            }
            parent.mergeKey = false;
        } else if (parent.streamItems) {
            if (!(value instanceof LocatedObject item)) {
                throw new InputException(source + ":" + line + ": items[" + parent.index + "] is not a Kubernetes object");
            }
            sink.item(item, parent.index++);
            streamed++;
        } else {
            ((LocatedArray) parent.node).add(value, line);
        }
    }

    private void addMerge(Frame frame, JsonNode value, int line) {
        frame.merges = new ArrayList<>();
        if (value.isObject()) {
            frame.merges.add(value);
            return;
        }
        if (value.isArray()) {
            for (JsonNode each : value) {
                if (!each.isObject()) {
                    throw new InputException(source + ":" + line + ": merge key << takes a mapping or a list of mappings");
                }
                frame.merges.add(each);
            }
            return;
        }
        throw new InputException(source + ":" + line + ": merge key << takes a mapping or a list of mappings");
    }

    /** Keys given explicitly win over merged ones; among merged mappings the first wins (YAML merge key rules). */
    private static void merge(LocatedObject object, List<JsonNode> merges, int line) {
        for (JsonNode source : merges) {
            for (Iterator<Map.Entry<String, JsonNode>> fields = source.fields(); fields.hasNext(); ) {
                Map.Entry<String, JsonNode> field = fields.next();
                if (!object.has(field.getKey())) {
                    object.put(field.getKey(), field.getValue(), line);
                }
            }
        }
    }
}

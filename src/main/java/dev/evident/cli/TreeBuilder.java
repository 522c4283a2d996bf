package dev.evident.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Builds one document's tree from parser events (YAML or JSON), with the line of every key and item.
 * Rejects duplicate keys and nesting deeper than {@value #MAX_DEPTH}; resolves YAML merge keys; and hands
 * the items of a top-level List to a sink one by one instead of keeping them, so a {@code kind: List}
 * export of any size is read in the memory of its largest item. Objects to judge keep no
 * {@code metadata.managedFields} (about half of an exported object, judged by nothing): it is parsed but not built,
 * so duplicate keys inside it go unreported. Repeated strings (kinds, namespaces, label keys and values) share one instance, so the
 * objects decoded from a large export do not each hold a copy.
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
        /** A Kubernetes object: the document, or an item of its top-level {@code items}. */
        boolean object;
        /** This object's metadata, whose managedFields are not built. */
        boolean metadata;

        Frame(JsonNode node, int line) {
            this.node = node;
            this.line = line;
        }
    }

    /**
     * Strings seen recently in one input, by hash, one slot each: bounded, and enough to catch what repeats from
     * object to object. Shared by the documents of the input.
     */
    static final class Strings {
        private static final int SLOTS = 1 << 12;
        private final TextNode[] values = new TextNode[SLOTS];
        private final String[] keys = new String[SLOTS];

        TextNode value(TextNode value) {
            String text = value.textValue();
            int slot = text.hashCode() & (SLOTS - 1);
            TextNode seen = values[slot];
            if (seen != null && seen.textValue().equals(text)) {
                return seen;
            }
            values[slot] = value;
            return value;
        }

        String key(String key) {
            int slot = key.hashCode() & (SLOTS - 1);
            String seen = keys[slot];
            if (key.equals(seen)) {
                return seen;
            }
            keys[slot] = key;
            return key;
        }
    }

    private final String source;
    private final ItemSink sink;
    private final ArrayDeque<Frame> stack = new ArrayDeque<>();
    private JsonNode root;
    private int streamed = -1;
    /** Open containers of a value not built (managedFields); the value is pending while this is 0 and {@link #skipNext} is set. */
    private int skipping;
    private boolean skipNext;
    private final Strings strings;
    private final boolean dropManagedFields;

    /**
     * @param sink    receives the items of a top-level List (null: keep them in the tree)
     * @param strings the strings of the input read so far
     * @param dropManagedFields whether objects are built without their metadata.managedFields
     */
    TreeBuilder(String source, ItemSink sink, Strings strings, boolean dropManagedFields) {
        this.source = source;
        this.sink = sink;
        this.strings = strings;
        this.dropManagedFields = dropManagedFields;
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
        if (skipped(line)) {
            return;
        }
        Frame frame = new Frame(new LocatedObject(line), line);
        Frame parent = stack.peek();
        frame.object = parent == null || stack.size() == 2 && !parent.node.isObject() && "items".equals(stack.peekLast().key);
        frame.metadata = dropManagedFields && parent != null && parent.object && "metadata".equals(parent.key) && !parent.mergeKey;
        push(frame);
    }

    void startArray(int line) {
        if (skipped(line)) {
            return;
        }
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
        checkDepth(stack.size(), frame.line);
        stack.push(frame);
    }

    private void checkDepth(int depth, int line) {
        if (depth >= MAX_DEPTH) {
            throw new InputException(source + ":" + line + ": nesting deeper than " + MAX_DEPTH + " levels");
        }
    }

    /** Whether a container starting here belongs to a value not built, counting it if so. */
    private boolean skipped(int line) {
        if (skipping == 0 && !skipNext) {
            return false;
        }
        checkDepth(stack.size() + skipping, line);
        skipping++;
        skipNext = false;
        return true;
    }

    /**
     * A key in the current mapping; a YAML merge key ({@code <<}) merges the mapping(s) that follow.
     *
     * @return true when the value that follows is not built (an object's managedFields): the caller may skip it
     *         and call {@link #skippedValue()}, or hand over its events as usual
     */
    boolean key(String key, int line, boolean mergeKey) {
        if (skipping > 0) {
            return false;
        }
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
        if (frame.metadata && !mergeKey && "managedFields".equals(key)) {
            skipNext = true;
            return true;
        }
        frame.key = strings.key(key);
        frame.keyLine = line;
        frame.mergeKey = mergeKey;
        return false;
    }

    /** The caller skipped the value of the last key, which was not to be built. */
    void skippedValue() {
        skipNext = false;
    }

    /** A scalar, or an already built node (a YAML alias). */
    void value(JsonNode value, int line) {
        if (skipping > 0 || skipNext) {
            skipNext = false;
            return;
        }
        attach(value instanceof TextNode text ? strings.value(text) : value, line);
    }

    /** Ends the current mapping or sequence and returns it, or null when it was not built. */
    JsonNode end() {
        if (skipping > 0) {
            skipping--;
            return null;
        }
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

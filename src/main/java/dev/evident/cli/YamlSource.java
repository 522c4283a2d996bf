package dev.evident.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.io.Reader;
import java.math.BigInteger;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.common.Anchor;
import org.snakeyaml.engine.v2.events.AliasEvent;
import org.snakeyaml.engine.v2.events.CollectionStartEvent;
import org.snakeyaml.engine.v2.events.Event;
import org.snakeyaml.engine.v2.events.ScalarEvent;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.parser.Parser;
import org.snakeyaml.engine.v2.parser.ParserImpl;
import org.snakeyaml.engine.v2.scanner.StreamReader;

/**
 * Reads a YAML stream document by document into trees, resolving plain scalars as Kubernetes tools do:
 * YAML 1.2 core numbers and null, but numbers with a leading zero ({@code 0755}) stay strings, and the
 * YAML 1.1 booleans kubectl still reads ({@code yes}, {@code on}, ...) are booleans, so that a bare
 * {@code yes} where a string belongs is refused as kubectl refuses it. Anchors, aliases and merge keys
 * are resolved; aliases are bounded against alias bombs.
 */
final class YamlSource {
    /** Per document; a kubectl List export of a large cluster is one document. */
    static final int MAX_CODE_POINTS = 1 << 30;
    /** As SnakeYAML's default: aliases to mappings or sequences per document. */
    static final int MAX_ALIASES_FOR_COLLECTIONS = 50;
    /** Nodes that aliases may add to a document by expansion. */
    static final int MAX_ALIAS_EXPANSION = 1_000_000;

    /** The scanner copies its window for every token longer than it: a large window keeps long values linear. */
    private static final int BUFFER_CHARS = 1 << 20;
    private static final String TAG = "tag:yaml.org,2002:";
    private static final Pattern INT = Pattern.compile("[-+]?(0|[1-9][0-9]*)");
    private static final Pattern FLOAT = Pattern.compile("[-+]?(\\.[0-9]+|[0-9]+\\.[0-9]*|[0-9]+(?=[eE]))([eE][-+]?[0-9]+)?");
    private static final Map<String, JsonNode> WORDS = new HashMap<>();

    static {
        for (String s : new String[] {"", "~", "null", "Null", "NULL"}) {
            WORDS.put(s, NullNode.instance);
        }
        for (String s : new String[] {"true", "True", "TRUE", "yes", "Yes", "YES", "on", "On", "ON", "y", "Y"}) {
            WORDS.put(s, BooleanNode.TRUE);
        }
        for (String s : new String[] {"false", "False", "FALSE", "no", "No", "NO", "off", "Off", "OFF", "n", "N"}) {
            WORDS.put(s, BooleanNode.FALSE);
        }
        for (String s : new String[] {".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF"}) {
            WORDS.put(s, DoubleNode.valueOf(Double.POSITIVE_INFINITY));
        }
        for (String s : new String[] {"-.inf", "-.Inf", "-.INF"}) {
            WORDS.put(s, DoubleNode.valueOf(Double.NEGATIVE_INFINITY));
        }
        for (String s : new String[] {".nan", ".NaN", ".NAN"}) {
            WORDS.put(s, DoubleNode.valueOf(Double.NaN));
        }
    }

    private final String source;
    private final ManifestReader.Documents out;
    private final boolean dropManagedFields;

    private YamlSource(String source, ManifestReader.Documents out, boolean dropManagedFields) {
        this.source = source;
        this.out = out;
        this.dropManagedFields = dropManagedFields;
    }

    /** @param dropManagedFields whether objects are built without their metadata.managedFields */
    static void read(String source, Reader reader, ManifestReader.Documents out, boolean dropManagedFields) {
        new YamlSource(source, out, dropManagedFields).read(reader);
    }

    private void read(Reader reader) {
        LoadSettings settings = LoadSettings.builder().setLabel(source).setCodePointLimit(MAX_CODE_POINTS).setUseMarks(true)
                .setBufferSize(BUFFER_CHARS).build();
        Parser parser = new ParserImpl(settings, new StreamReader(settings, reader));
        TreeBuilder builder = null;
        TreeBuilder.Strings strings = new TreeBuilder.Strings();
        Map<String, JsonNode> anchors = new HashMap<>();
        ArrayDeque<String> openAnchors = new ArrayDeque<>();
        // per open container: 0 sequence, 1 mapping expecting a key, 2 mapping expecting a value
        ArrayDeque<int[]> expect = new ArrayDeque<>();
        int aliases = 0;
        long expansion = 0;
        int documentLine = 0;
        try {
            while (parser.hasNext()) {
                Event event = parser.next();
                int line = line(event);
                if (expect.isEmpty() && event instanceof org.snakeyaml.engine.v2.events.NodeEvent) {
                    documentLine = line; // the line of the document's root node, not of its ---
                }
                switch (event.getEventId()) {
                    case DocumentStart -> {
                        builder = new TreeBuilder(source, (item, index) -> out.item(item, index), strings, dropManagedFields);
                        anchors.clear();
                        aliases = 0;
                        expansion = 0;
                        documentLine = line;
                    }
                    case DocumentEnd -> out.document(builder.root(), documentLine, builder.streamedItems());
                    case MappingStart, SequenceStart -> {
                        if (isKey(expect)) {
                            throw new InputException(source + ":" + line + ": a mapping or list as a key; keys must be strings");
                        }
                        checkCollectionTag(((CollectionStartEvent) event).getTag(), event.getEventId() == Event.ID.MappingStart, line);
                        openAnchors.push(((CollectionStartEvent) event).getAnchor().map(Anchor::getValue).orElse(""));
                        if (event.getEventId() == Event.ID.MappingStart) {
                            builder.startObject(line);
                            expect.push(new int[] {1});
                        } else {
                            builder.startArray(line);
                            expect.push(new int[] {0});
                        }
                    }
                    case MappingEnd, SequenceEnd -> {
                        expect.pop();
                        JsonNode node = builder.end();
                        String anchor = openAnchors.pop();
                        if (!anchor.isEmpty()) {
                            anchors.put(anchor, node); // null for a container not built (in managedFields)
                        }
                    }
                    case Scalar -> {
                        ScalarEvent scalar = (ScalarEvent) event;
                        checkLength(scalar, line);
                        if (isKey(expect)) {
                            boolean merge = scalar.isPlain() && scalar.getTag().isEmpty() && "<<".equals(scalar.getValue());
                            builder.key(scalar.getValue(), line, merge);
                        } else {
                            JsonNode value = resolve(scalar, line);
                            scalar.getAnchor().ifPresent(a -> anchors.put(a.getValue(), value));
                            builder.value(value, line);
                        }
                    }
                    case Alias -> {
                        String name = ((AliasEvent) event).getAlias().getValue();
                        JsonNode node = anchors.get(name);
                        if (node == null) {
                            throw new InputException(source + ":" + line + ": alias *" + Text.escape(name) + (anchors.containsKey(name)
                                    ? " names an anchor in metadata.managedFields, which is not read" : " names no anchor defined before it"));
                        }
                        if (isKey(expect)) {
                            if (node.isContainerNode()) {
                                throw new InputException(source + ":" + line + ": alias *" + Text.escape(name) + " as a key must name a string");
                            }
                            builder.key(node.asText(), line, false);
                        } else {
                            if (node.isContainerNode()) {
                                if (++aliases > MAX_ALIASES_FOR_COLLECTIONS) {
                                    throw new InputException(source + ":" + line + ": more than " + MAX_ALIASES_FOR_COLLECTIONS
                                            + " aliases to mappings or lists in one document");
                                }
                                expansion += size(node, MAX_ALIAS_EXPANSION - expansion + 1);
                                if (expansion > MAX_ALIAS_EXPANSION) {
                                    throw new InputException(source + ":" + line + ": aliases expand to more than " + MAX_ALIAS_EXPANSION
                                            + " nodes (an alias bomb?)");
                                }
                            }
                            builder.value(node, line);
                        }
                    }
                    default -> {
                    }
                }
            }
        } catch (MarkedYamlEngineException e) {
            Optional<Mark> mark = e.getProblemMark().or(e::getContextMark);
            String context = e.getContext() == null ? "" : e.getContext() + ": ";
            throw new InputException(source + ":" + mark.map(m -> m.getLine() + 1).orElse(documentLine) + ": "
                    + Text.escape(context + e.getProblem()));
        } catch (YamlEngineException e) {
            throw new InputException(source + ":" + Math.max(1, documentLine) + ": " + Text.escape(String.valueOf(e.getMessage())));
        }
    }

    /** Whether the next node is a mapping key, flipping the mapping's expectation. */
    private static boolean isKey(ArrayDeque<int[]> expect) {
        int[] top = expect.peek();
        if (top == null || top[0] == 0) {
            return false;
        }
        boolean key = top[0] == 1;
        top[0] = key ? 2 : 1;
        return key;
    }

    private void checkCollectionTag(Optional<String> tag, boolean mapping, int line) {
        if (tag.isEmpty() || tag.get().equals("!") || tag.get().equals(TAG + (mapping ? "map" : "seq"))) {
            return;
        }
        throw new InputException(source + ":" + line + ": unsupported tag " + Text.escape(tag.get()));
    }

    private void checkLength(ScalarEvent scalar, int line) {
        if (scalar.getValue().length() > ManifestReader.MAX_VALUE_CHARS) {
            throw new InputException(source + ":" + line + ": a value of " + scalar.getValue().length() + " characters; "
                    + ManifestReader.MAX_VALUE_DESCRIPTION);
        }
    }

    private JsonNode resolve(ScalarEvent scalar, int line) {
        String value = scalar.getValue();
        Optional<String> tag = scalar.getTag();
        if (tag.isPresent() && !tag.get().equals("!")) {
            String name = tag.get().startsWith(TAG) ? tag.get().substring(TAG.length()) : tag.get();
            JsonNode plain = plain(value);
            JsonNode resolved = switch (name) {
                case "str", "binary", "timestamp" -> TextNode.valueOf(value);
                case "null" -> plain.isNull() ? plain : null;
                case "bool" -> plain.isBoolean() ? plain : null;
                case "int" -> plain.isIntegralNumber() ? plain : null;
                case "float" -> plain.isNumber() ? DoubleNode.valueOf(plain.doubleValue()) : null;
                default -> throw new InputException(source + ":" + line + ": unsupported tag " + Text.escape(tag.get()));
            };
            if (resolved == null) {
                throw new InputException(source + ":" + line + ": '" + Text.escape(value) + "' is not a valid !!" + name);
            }
            return resolved;
        }
        return scalar.isPlain() ? plain(value) : TextNode.valueOf(value);
    }

    /** A plain (unquoted) scalar: null, boolean, number or string. */
    static JsonNode plain(String value) {
        JsonNode word = WORDS.get(value);
        if (word != null) {
            return word;
        }
        if (value.isEmpty() || "-+.0123456789".indexOf(value.charAt(0)) < 0) {
            return TextNode.valueOf(value);
        }
        if (INT.matcher(value).matches()) {
            return integer(new BigInteger(value));
        }
        if (value.startsWith("0x") && value.length() > 2 && value.substring(2).chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
            return integer(new BigInteger(value.substring(2), 16));
        }
        if (value.startsWith("0o") && value.length() > 2 && value.substring(2).chars().allMatch(c -> c >= '0' && c <= '7')) {
            return integer(new BigInteger(value.substring(2), 8));
        }
        if (FLOAT.matcher(value).matches()) {
            return DoubleNode.valueOf(Double.parseDouble(value));
        }
        return TextNode.valueOf(value);
    }

    /** The narrowest node, as a JSON parser gives it: int, long, else big. */
    static JsonNode integer(BigInteger value) {
        if (value.bitLength() < 32) {
            return JsonNodeFactory.instance.numberNode(value.intValue());
        }
        return value.bitLength() < 64 ? JsonNodeFactory.instance.numberNode(value.longValue()) : JsonNodeFactory.instance.numberNode(value);
    }

    /** Nodes in a tree counting shared subtrees each time, stopping once over the limit. */
    private static long size(JsonNode node, long limit) {
        long n = 1;
        for (JsonNode child : node) {
            if (n > limit) {
                break;
            }
            n += child.isContainerNode() ? size(child, limit - n) : 1;
        }
        return n;
    }

    private static int line(Event event) {
        return event.getStartMark().map(m -> m.getLine() + 1).orElse(0);
    }
}

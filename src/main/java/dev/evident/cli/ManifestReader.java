package dev.evident.cli;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Reads Kubernetes manifests: multi-document YAML or JSON files, directories (recursively, {@code .yaml},
 * {@code .yml} and {@code .json} files in sorted order) or stdin ({@code -}). {@code kind: List} and other
 * {@code *List} documents with items are unpacked into their items, as {@code kubectl get -o yaml} prints
 * them; empty documents are skipped. Every object must have a kind and an apiVersion. Errors name the file
 * and the line.
 */
public final class ManifestReader {
    public static final String STDIN = "-";
    static final String STDIN_NAME = "<stdin>";
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> EXTENSIONS = List.of(".yaml", ".yml", ".json");

    private final InputStream stdin;

    public ManifestReader(InputStream stdin) {
        this.stdin = stdin;
    }

    /** The objects in a file, a directory tree or ({@code -}) stdin. */
    public List<Manifest> read(String location) {
        if (STDIN.equals(location)) {
            return parse(STDIN_NAME, stdin, YAML);
        }
        Path path = Path.of(location);
        if (!Files.exists(path)) {
            throw new InputException(location + ": no such file or directory");
        }
        if (!Files.isDirectory(path)) {
            return readFile(path);
        }
        List<Manifest> manifests = new ArrayList<>();
        try (Stream<Path> files = Files.walk(path)) {
            for (Path file : files.filter(Files::isRegularFile).filter(ManifestReader::isManifestFile).sorted().toList()) {
                manifests.addAll(readFile(file));
            }
        } catch (IOException e) {
            throw new InputException(location + ": cannot read directory: " + e.getMessage());
        }
        return manifests;
    }

    private static boolean isManifestFile(Path file) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        return EXTENSIONS.stream().anyMatch(name::endsWith);
    }

    private static List<Manifest> readFile(Path file) {
        boolean json = file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".json");
        try (InputStream in = Files.newInputStream(file)) {
            return parse(file.toString(), in, json ? JSON : YAML);
        } catch (IOException e) {
            throw new InputException(file + ": cannot read: " + e.getMessage());
        }
    }

    static List<Manifest> parse(String source, InputStream in, ObjectMapper mapper) {
        List<Manifest> manifests = new ArrayList<>();
        try (JsonParser parser = mapper.createParser(in)) {
            JsonToken token;
            while ((token = parser.nextToken()) != null) {
                int line = parser.currentTokenLocation().getLineNr();
                if (token == JsonToken.VALUE_NULL) {
                    continue; // an empty document
                }
                if (token != JsonToken.START_OBJECT) {
                    throw new InputException(source + ":" + line + ": expected a Kubernetes object, found "
                            + (token == JsonToken.START_ARRAY ? "a list" : "a scalar"));
                }
                Map<String, Integer> lines = new HashMap<>();
                ObjectNode body = (ObjectNode) readTree(parser, "", lines);
                unpack(new Manifest(source, line, body, lines, ""), manifests);
            }
        } catch (JsonProcessingException e) {
            throw new InputException(source + ":" + describe(e));
        } catch (IOException e) {
            throw new InputException(source + ": cannot read: " + e.getMessage());
        }
        return manifests;
    }

    /** Adds the object, or the items of a *List, after checking that each has a kind and an apiVersion. */
    private static void unpack(Manifest manifest, List<Manifest> into) {
        if (manifest.kind() == null || manifest.apiVersion() == null) {
            String missing = manifest.kind() == null && manifest.apiVersion() == null ? "kind and apiVersion"
                    : manifest.kind() == null ? "kind" : "apiVersion";
            throw new InputException(manifest.where() + ": document has no " + missing);
        }
        JsonNode items = manifest.body().get("items");
        if (!manifest.kind().endsWith("List") || items == null || !items.isArray()) {
            into.add(manifest);
            return;
        }
        String prefix = manifest.root().isEmpty() ? "items" : manifest.root() + ".items";
        for (int i = 0; i < items.size(); i++) {
            String root = prefix + "[" + i + "]";
            int line = manifest.fieldLines().getOrDefault(root, manifest.line());
            if (!items.get(i).isObject()) {
                throw new InputException(manifest.source() + ":" + line + ": " + root + " is not a Kubernetes object");
            }
            unpack(new Manifest(manifest.source(), line, (ObjectNode) items.get(i), manifest.fieldLines(), root), into);
        }
    }

    /** Reads the value at the current token, recording the line of every field path (the key's line, where there is a key). */
    private static JsonNode readTree(JsonParser parser, String path, Map<String, Integer> lines) throws IOException {
        lines.putIfAbsent(path, parser.currentTokenLocation().getLineNr());
        switch (parser.currentToken()) {
            case START_OBJECT -> {
                ObjectNode object = JsonNodeFactory.instance.objectNode();
                while (parser.nextToken() == JsonToken.FIELD_NAME) {
                    String field = parser.currentName();
                    String child = path.isEmpty() ? field : path + "." + field;
                    lines.putIfAbsent(child, parser.currentTokenLocation().getLineNr());
                    parser.nextToken();
                    object.set(field, readTree(parser, child, lines));
                }
                return object;
            }
            case START_ARRAY -> {
                ArrayNode array = JsonNodeFactory.instance.arrayNode();
                int index = 0;
                while (parser.nextToken() != JsonToken.END_ARRAY) {
                    array.add(readTree(parser, path + "[" + index++ + "]", lines));
                }
                return array;
            }
            default -> {
                return parser.readValueAsTree();
            }
        }
    }

    /** {@code line: problem}, from the YAML parser's own mark where it has one. */
    private static String describe(JsonProcessingException e) {
        if (e.getCause() instanceof org.yaml.snakeyaml.error.MarkedYAMLException yaml && yaml.getProblemMark() != null) {
            String context = yaml.getContext() == null ? "" : yaml.getContext() + ": ";
            return (yaml.getProblemMark().getLine() + 1) + ": " + context + yaml.getProblem();
        }
        int line = e.getLocation() == null ? 0 : e.getLocation().getLineNr();
        return line + ": " + e.getOriginalMessage().lines().findFirst().orElse("malformed");
    }
}

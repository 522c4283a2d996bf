package dev.evident.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.FileSystemLoopException;
import java.nio.file.FileVisitOption;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * Reads Kubernetes manifests: multi-document YAML or JSON files, directories (recursively, following
 * symbolic links, {@code .yaml}, {@code .yml} and {@code .json} files in sorted order) or stdin ({@code -},
 * JSON when it starts with { or [, else YAML). {@code kind: List} and other {@code *List} documents are
 * unpacked into their items as they are read, so a List export of any size streams. Empty documents are
 * skipped. Every object must have a kind and an apiVersion. Errors name the file and the line; what is
 * skipped (a dangling link, a link loop) is collected in {@link #notRead()}.
 */
public final class ManifestReader {
    public static final String STDIN = "-";
    static final String STDIN_NAME = "<stdin>";
    /** The API server refuses requests over 3 MiB; no value of a real object comes near. */
    static final int MAX_VALUE_CHARS = 4 * 1024 * 1024;
    static final String MAX_VALUE_DESCRIPTION = "values are limited to 4 MiB (the API server refuses objects over 3 MiB)";
    /**
     * The longest YAML line read, checked as the text is decoded so that a huge line fails at once (the YAML
     * scanner slows down on long lines). JSON is not limited by line: a minified API response is one line.
     */
    static final int MAX_LINE_CHARS = MAX_VALUE_CHARS + 64 * 1024;
    private static final List<String> EXTENSIONS = List.of(".yaml", ".yml", ".json");

    /** What a parser hands over: the items of a top-level List as they complete, then each document. */
    interface Documents {
        void item(LocatedObject item, int index);

        /** @param streamedItems items already given to {@link #item}, or -1 when the document keeps its items */
        void document(JsonNode root, int line, int streamedItems);
    }

    private final InputStream stdin;
    private final List<String> notRead = new ArrayList<>();

    public ManifestReader(InputStream stdin) {
        this.stdin = stdin;
    }

    /** Inputs found but not read, each a line for stderr ({@code file: why}). */
    public List<String> notRead() {
        return notRead;
    }

    /** The objects in a file, a directory tree or ({@code -}) stdin. */
    public List<Manifest> read(String location) {
        List<Manifest> manifests = new ArrayList<>();
        read(location, manifests::add);
        return manifests;
    }

    /** Hands each object in a file, a directory tree or ({@code -}) stdin to the sink as it is read. */
    public void read(String location, Consumer<Manifest> sink) {
        read(location, sink, false);
    }

    /**
     * As {@link #read(String, Consumer)}, for objects to judge: their metadata.managedFields are not built, as no
     * control judges them (a policy's are kept: they say who changed it).
     */
    public void readObjects(String location, Consumer<Manifest> sink) {
        read(location, sink, true);
    }

    private void read(String location, Consumer<Manifest> sink, boolean dropManagedFields) {
        if (STDIN.equals(location)) {
            parse(STDIN_NAME, stdin, null, dropManagedFields, sink);
            return;
        }
        Path path = Path.of(location);
        if (Files.isSymbolicLink(path) && !Files.exists(path)) {
            throw new InputException(location + ": dangling symbolic link (its target does not exist)");
        }
        if (!Files.exists(path)) {
            throw new InputException(location + ": no such file or directory");
        }
        if (!Files.isDirectory(path)) {
            readFile(path, dropManagedFields, sink);
            return;
        }
        for (Path file : manifestFiles(path)) {
            readFile(file, dropManagedFields, sink);
        }
    }

    private List<Path> manifestFiles(Path root) {
        List<Path> files = new ArrayList<>();
        try {
            Files.walkFileTree(root, EnumSet.of(FileVisitOption.FOLLOW_LINKS), Integer.MAX_VALUE, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) {
                    if (attributes.isSymbolicLink()) {
                        notRead.add(file + ": dangling symbolic link, not read");
                    } else if (attributes.isRegularFile() && isManifestFile(file)) {
                        files.add(file);
                    }
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
                    if (e instanceof FileSystemLoopException) {
                        notRead.add(file + ": symbolic link loop, not followed");
                        return FileVisitResult.CONTINUE;
                    }
                    throw e;
                }
            });
        } catch (IOException e) {
            String at = e instanceof FileSystemException f && f.getFile() != null ? f.getFile() : root.toString();
            throw new InputException(at + ": cannot read directory: " + describe(e));
        }
        files.sort(null);
        return files;
    }

    private static boolean isManifestFile(Path file) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        return EXTENSIONS.stream().anyMatch(name::endsWith);
    }

    private static void readFile(Path file, boolean dropManagedFields, Consumer<Manifest> sink) {
        boolean json = file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".json");
        try (InputStream in = Files.newInputStream(file)) {
            parse(file.toString(), in, json, dropManagedFields, sink);
        } catch (IOException e) {
            throw new InputException(file + ": cannot read: " + describe(e));
        }
    }

    /**
     * @param json              true for JSON, false for YAML, null to tell by the first character
     * @param dropManagedFields whether objects are built without their metadata.managedFields
     */
    static void parse(String source, InputStream in, Boolean json, boolean dropManagedFields, Consumer<Manifest> sink) {
        try (DecodingReader decoding = DecodingReader.of(source, in, json == Boolean.TRUE ? 0 : MAX_LINE_CHARS);
             BufferedReader reader = new BufferedReader(decoding, 64 * 1024)) {
            boolean asJson = json != null ? json : startsLikeJson(reader);
            if (asJson) {
                decoding.asJson();
            }
            Unpacker unpacker = new Unpacker(source, sink);
            if (asJson) {
                JsonSource.read(source, reader, unpacker, dropManagedFields);
            } else {
                YamlSource.read(source, reader, unpacker, dropManagedFields);
            }
        } catch (IOException e) {
            throw new InputException(source + ": cannot read: " + describe(e));
        }
    }

    private static boolean startsLikeJson(BufferedReader reader) throws IOException {
        reader.mark(64 * 1024);
        try {
            for (int i = 0; i < 64 * 1024; i++) {
                int c = reader.read();
                if (c < 0 || !Character.isWhitespace(c)) {
                    return c == '{' || c == '[';
                }
            }
            return false;
        } finally {
            reader.reset();
        }
    }

    /** Why a file could not be read, in the user's words. */
    static String describe(IOException e) {
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof NoSuchFileException) {
            return "no such file or directory";
        }
        if (e instanceof FileSystemException f && f.getReason() != null) {
            return f.getReason().toLowerCase(Locale.ROOT);
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    /** Checks each document and hands its objects, or the items of a List, to the sink. */
    private record Unpacker(String source, Consumer<Manifest> sink) implements Documents {
        @Override
        public void item(LocatedObject item, int index) {
            unpack(new Manifest(source, item.line(), item), sink);
        }

        @Override
        public void document(JsonNode root, int line, int streamedItems) {
            if (root == null || root.isNull()) {
                return; // an empty document
            }
            if (!(root instanceof LocatedObject object)) {
                throw new InputException(source + ":" + line + ": expected a Kubernetes object, found "
                        + (root.isArray() ? "a list" : "a scalar"));
            }
            Manifest manifest = new Manifest(source, object.line(), object);
            if (streamedItems < 0) {
                unpack(manifest, sink);
                return;
            }
            if (manifest.kind() == null) {
                throw new InputException(manifest.where() + ": a List without kind (cut short?): its items were read, its kind never came");
            }
            if (!manifest.kind().endsWith("List")) {
                throw new InputException(manifest.where() + ": document has items but kind " + Text.escape(manifest.kind()) + " is not a List kind");
            }
        }

        /** Adds the object, or the items of a *List, after checking that each has a kind and an apiVersion. */
        private void unpack(Manifest manifest, Consumer<Manifest> into) {
            if (manifest.kind() == null || manifest.apiVersion() == null) {
                String missing = manifest.kind() == null && manifest.apiVersion() == null ? "kind and apiVersion"
                        : manifest.kind() == null ? "kind" : "apiVersion";
                throw new InputException(manifest.where() + ": document has no " + missing);
            }
            JsonNode items = manifest.body().get("items");
            if (!manifest.kind().endsWith("List") || items == null || !items.isArray()) {
                into.accept(manifest);
                return;
            }
            LocatedArray located = (LocatedArray) items;
            for (int i = 0; i < items.size(); i++) {
                if (!(items.get(i) instanceof LocatedObject item)) {
                    throw new InputException(source + ":" + located.lineOf(i) + ": items[" + i + "] is not a Kubernetes object");
                }
                unpack(new Manifest(source, item.line(), item), into);
            }
        }
    }
}

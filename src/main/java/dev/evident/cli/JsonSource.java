package dev.evident.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.io.IOException;
import java.io.Reader;

/** Reads a stream of JSON values (one document each) into trees, with the same checks as {@link YamlSource}. */
final class JsonSource {
    private static final JsonFactory FACTORY = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder()
                    .maxNestingDepth(TreeBuilder.MAX_DEPTH)
                    .maxStringLength(ManifestReader.MAX_VALUE_CHARS)
                    .maxDocumentLength(-1)
                    .build())
            .build();

    private JsonSource() {
    }

    /** @param dropManagedFields whether objects are built without their metadata.managedFields */
    static void read(String source, Reader reader, ManifestReader.Documents out, boolean dropManagedFields) {
        int line = 1;
        try (JsonParser parser = FACTORY.createParser(reader)) {
            JsonToken token;
            TreeBuilder builder = null;
            TreeBuilder.Strings strings = new TreeBuilder.Strings();
            while ((token = parser.nextToken()) != null) {
                line = parser.currentTokenLocation().getLineNr();
                if (builder == null) {
                    builder = new TreeBuilder(source, out::item, strings, dropManagedFields);
                }
                switch (token) {
                    case START_OBJECT -> builder.startObject(line);
                    case START_ARRAY -> builder.startArray(line);
                    case END_OBJECT, END_ARRAY -> builder.end();
                    case FIELD_NAME -> {
                        if (builder.key(parser.currentName(), line, false)) {
                            parser.nextToken();
                            parser.skipChildren();
                            builder.skippedValue();
                        }
                    }
                    case VALUE_STRING -> builder.value(TextNode.valueOf(parser.getText()), line);
                    case VALUE_NUMBER_INT -> builder.value(YamlSource.integer(parser.getBigIntegerValue()), line);
                    case VALUE_NUMBER_FLOAT -> builder.value(JsonNodeFactory.instance.numberNode(parser.getDoubleValue()), line);
                    case VALUE_TRUE -> builder.value(BooleanNode.TRUE, line);
                    case VALUE_FALSE -> builder.value(BooleanNode.FALSE, line);
                    case VALUE_NULL -> builder.value(NullNode.instance, line);
                    default -> throw new InputException(source + ":" + line + ": unexpected " + token);
                }
                if (!builder.inContainer()) {
                    JsonNode root = builder.root();
                    out.document(root, root instanceof LocatedObject o ? o.line() : line, builder.streamedItems());
                    builder = null;
                }
            }
            if (builder != null) {
                throw new InputException(source + ":" + line + ": unexpected end of input");
            }
        } catch (JsonProcessingException e) {
            int at = e.getLocation() == null ? line : e.getLocation().getLineNr();
            String message = e.getOriginalMessage().lines().findFirst().orElse("malformed JSON");
            throw new InputException(source + ":" + at + ": " + Text.escape(message));
        } catch (IOException e) {
            throw new InputException(source + ": cannot read: " + ManifestReader.describe(e));
        }
    }
}

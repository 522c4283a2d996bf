package dev.evident.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.evident.api.v1alpha1.ControlPolicy;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The ControlPolicy CRD's own structural defaulting, applied offline as the API server applies it on
 * admission: a null field that is not nullable is pruned, unless it has a default; an absent field, or such
 * a null, gets the schema's default. The schema is the committed CRD (packaged on the classpath), so the
 * audit and the cluster cannot disagree on a default. A null list item is refused, as the API server's
 * validation refuses it.
 */
final class SchemaDefaults {
    static final String CRD = "/crds/controlpolicies.evident.dev-v1.yml";
    private static final JsonNode SCHEMA = load();

    private SchemaDefaults() {
    }

    private static JsonNode load() {
        try (InputStream in = SchemaDefaults.class.getResourceAsStream(CRD)) {
            if (in == null) {
                throw new IllegalStateException(CRD + " is not on the classpath");
            }
            for (JsonNode version : new YAMLMapper().readTree(in).path("spec").path("versions")) {
                if (ControlPolicy.API_VERSION.endsWith("/" + version.path("name").asText())) {
                    return version.path("schema").path("openAPIV3Schema");
                }
            }
            throw new IllegalStateException(CRD + " has no version " + ControlPolicy.API_VERSION);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Applies the defaults to a ControlPolicy in place; returns the null list items it refuses, each {@code path: problem}. */
    static List<String> apply(ObjectNode policy) {
        List<String> problems = new ArrayList<>();
        apply(policy, SCHEMA, "", problems);
        return problems;
    }

    private static void apply(JsonNode value, JsonNode schema, String path, List<String> problems) {
        if (value instanceof ObjectNode object) {
            JsonNode properties = schema.path("properties");
            JsonNode additional = schema.path("additionalProperties");
            for (Iterator<Map.Entry<String, JsonNode>> fields = object.fields(); fields.hasNext(); ) {
                Map.Entry<String, JsonNode> field = fields.next();
                JsonNode sub = properties.has(field.getKey()) ? properties.get(field.getKey()) : additional.isObject() ? additional : null;
                if (field.getValue().isNull() && sub != null && !sub.path("nullable").asBoolean(false) && !sub.has("default")) {
                    fields.remove();
                }
            }
            for (Iterator<Map.Entry<String, JsonNode>> props = properties.fields(); props.hasNext(); ) {
                Map.Entry<String, JsonNode> prop = props.next();
                JsonNode present = object.get(prop.getKey());
                boolean nullable = prop.getValue().path("nullable").asBoolean(false);
                if ((present == null || present.isNull() && !nullable) && prop.getValue().has("default")) {
                    object.set(prop.getKey(), prop.getValue().get("default").deepCopy());
                }
            }
            for (Iterator<Map.Entry<String, JsonNode>> fields = object.fields(); fields.hasNext(); ) {
                Map.Entry<String, JsonNode> field = fields.next();
                JsonNode sub = properties.has(field.getKey()) ? properties.get(field.getKey()) : additional.isObject() ? additional : null;
                if (sub != null) {
                    apply(field.getValue(), sub, path.isEmpty() ? field.getKey() : path + "." + field.getKey(), problems);
                }
            }
        } else if (value instanceof ArrayNode array && schema.has("items")) {
            JsonNode items = schema.get("items");
            for (int i = 0; i < array.size(); i++) {
                if (array.get(i).isNull() && !items.path("nullable").asBoolean(false)) {
                    problems.add(path + "[" + i + "]: must not be null");
                } else {
                    apply(array.get(i), items, path + "[" + i + "]", problems);
                }
            }
        }
    }
}

package dev.evident.cli;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.type.LogicalType;
import dev.evident.api.v1alpha1.ControlException;
import dev.evident.api.v1alpha1.ControlPolicy;
import dev.evident.engine.EmptyMaps;
import dev.evident.engine.Read;
import dev.evident.engine.ResourceKind;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Turns manifests into the typed Fabric8 objects the controls read (Namespace, NetworkPolicy, ...) and
 * ControlPolicies into {@link ControlPolicy}, reading values as the API server does: no number or boolean
 * where a string belongs, no string where a number or boolean belongs, enums by name only. Older API versions
 * of the same shape (rbac v1beta1, extensions and networking v1beta1) are read as the current one; whatever
 * else has the kind of an object the controls read but cannot be read is reported, never dropped silently.
 */
public final class ObjectDecoder {
    private static final String LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration";
    /** Older versions the API server still served (or serves) with the same shape as the version read. */
    private static final Map<String, String> SAME_SHAPE = Map.of(
            "rbac.authorization.k8s.io/v1beta1", "rbac.authorization.k8s.io/v1",
            "rbac.authorization.k8s.io/v1alpha1", "rbac.authorization.k8s.io/v1",
            "extensions/v1beta1", "networking.k8s.io/v1",
            "networking.k8s.io/v1beta1", "networking.k8s.io/v1",
            "storage.k8s.io/v1beta1", "storage.k8s.io/v1");

    private final KubernetesSerialization serialization = new KubernetesSerialization(strict(new ObjectMapper()), false);
    private final ObjectMapper policies = strict(JsonMapper.builder().disable(MapperFeature.ALLOW_COERCION_OF_SCALARS).build())
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    /** kind -> apiVersion -> class, for the kinds the controls read. */
    private final Map<String, Map<String, Class<? extends HasMetadata>>> reads = new HashMap<>();
    private final Map<String, String> kindsByLowerCase = new HashMap<>();
    /** kind -> apiVersion -> optional custom kind, read as generic objects. */
    private final Map<String, Map<String, ResourceKind>> optional = new HashMap<>();
    /** CRD name -> optional custom kind: the CRD in the input says the kind is installed. */
    private final Map<String, ResourceKind> definitions = new HashMap<>();

    /** What became of one manifest. */
    public record Decoded(HasMetadata object, String notEvaluated) {
    }

    /** @param reads the kinds controls read */
    public ObjectDecoder(Collection<Read> reads) {
        this(reads, List.of());
    }

    /**
     * @param reads    the kinds controls read into typed objects
     * @param optional the optional custom kinds controls read as generic objects (Velero, Cilium, Gateway API)
     */
    public ObjectDecoder(Collection<Read> reads, Collection<ResourceKind> optional) {
        for (ResourceKind kind : optional) {
            this.optional.computeIfAbsent(kind.kind(), k -> new HashMap<>()).put(kind.apiVersion(), kind);
            this.definitions.put(kind.crdName(), kind);
            kindsByLowerCase.put(kind.kind().toLowerCase(Locale.ROOT), kind.kind());
        }
        for (Read read : reads) {
            Class<? extends HasMetadata> kind = read.kind();
            serialization.registerKubernetesResource(kind);
            this.reads.computeIfAbsent(HasMetadata.getKind(kind), k -> new HashMap<>()).put(HasMetadata.getApiVersion(kind), kind);
            kindsByLowerCase.put(HasMetadata.getKind(kind).toLowerCase(Locale.ROOT), HasMetadata.getKind(kind));
        }
    }

    private static ObjectMapper strict(ObjectMapper mapper) {
        mapper.enable(DeserializationFeature.FAIL_ON_NUMBERS_FOR_ENUMS, DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);
        for (CoercionInputShape shape : List.of(CoercionInputShape.Integer, CoercionInputShape.Float, CoercionInputShape.Boolean)) {
            mapper.coercionConfigFor(LogicalType.Textual).setCoercion(shape, CoercionAction.Fail);
        }
        mapper.coercionConfigFor(LogicalType.Boolean).setCoercion(CoercionInputShape.Integer, CoercionAction.Fail);
        mapper.coercionConfigFor(LogicalType.Boolean).setCoercion(CoercionInputShape.String, CoercionAction.Fail);
        mapper.coercionConfigFor(LogicalType.Integer).setCoercion(CoercionInputShape.String, CoercionAction.Fail);
        mapper.coercionConfigFor(LogicalType.Integer).setCoercion(CoercionInputShape.Float, CoercionAction.Fail);
        mapper.coercionConfigFor(LogicalType.Enum).setCoercion(CoercionInputShape.Integer, CoercionAction.Fail);
        return mapper;
    }

    public static boolean isPolicy(Manifest manifest) {
        return ControlPolicy.KIND.equals(manifest.kind()) && manifest.apiVersion().startsWith(ControlPolicy.GROUP + "/");
    }

    public static boolean isException(Manifest manifest) {
        return ControlException.KIND.equals(manifest.kind()) && manifest.apiVersion().startsWith(ControlPolicy.GROUP + "/");
    }

    /** Looks like a ControlPolicy but is not one (kind or group misspelt): an error, never noise. */
    public static boolean looksLikePolicy(Manifest manifest) {
        String kind = manifest.kind().toLowerCase(Locale.ROOT);
        String group = manifest.apiVersion().contains("/") ? manifest.apiVersion().substring(0, manifest.apiVersion().indexOf('/')) : "";
        return !isPolicy(manifest) && !isException(manifest) && (kind.startsWith("controlpolic") || kind.startsWith("controlexc") || kind.startsWith("control-polic")
                || group.startsWith("evident.") && kind.contains("polic"));
    }

    /** Whether objects of this kind live in a namespace; unknown kinds are taken as namespaced unless commonly cluster-scoped. */
    public boolean isNamespaced(Manifest manifest) {
        Map<String, Class<? extends HasMetadata>> versions = reads.get(manifest.kind());
        if (versions != null) {
            return Namespaced.class.isAssignableFrom(versions.values().iterator().next());
        }
        Map<String, ResourceKind> custom = optional.get(manifest.kind());
        if (custom != null) {
            return custom.values().iterator().next().namespaced();
        }
        return !ClusterScoped.KINDS.contains(manifest.kind());
    }

    /**
     * The typed object, when the controls read its kind; else null, with a reason when it has the kind of an
     * object the controls read (an unknown apiVersion, a misspelt kind) and so must not go unnoticed.
     */
    public Decoded object(Manifest manifest) {
        String kind = manifest.kind();
        if (optional.containsKey(kind) || "CustomResourceDefinition".equals(kind)) {
            return custom(manifest);
        }
        Map<String, Class<? extends HasMetadata>> versions = reads.get(kind);
        if (versions == null) {
            String known = kindsByLowerCase.get(kind.toLowerCase(Locale.ROOT));
            return new Decoded(null, known == null ? null
                    : describe(manifest) + ": kind " + Text.escape(kind) + " does not exist (did you mean " + known + "?); not evaluated");
        }
        String apiVersion = manifest.apiVersion();
        if (!versions.containsKey(apiVersion)) {
            String current = SAME_SHAPE.get(apiVersion);
            if (current == null || !versions.containsKey(current)) {
                return new Decoded(null, describe(manifest) + ": apiVersion " + Text.escape(apiVersion) + " is not read (this build reads "
                        + String.join(", ", versions.keySet()) + " for " + kind + "); not evaluated");
            }
            manifest.body().put("apiVersion", current);
            if (kind.equals("Ingress")) {
                IngressV1beta1.convert(manifest.body());
            }
        }
        stripUnread(manifest.body());
        HasMetadata object;
        try {
            object = (HasMetadata) serialization.convertValue(manifest.body(), versions.get(manifest.apiVersion()));
        } catch (IllegalArgumentException e) {
            throw new InputException(problem(manifest, e.getCause() instanceof JsonMappingException m ? m : null, e));
        }
        if (object.getMetadata() == null || object.getMetadata().getName() == null || object.getMetadata().getName().isBlank()) {
            throw new InputException(manifest.where("metadata") + ": " + kind + " without metadata.name");
        }
        EmptyMaps.share(object);
        return new Decoded(withoutSecretData(object), null);
    }

    /**
     * An object of an optional custom kind, as a generic object; or the CustomResourceDefinition of such a
     * kind, kept as a bare marker (name only) that says the kind is installed. Other CRDs are not read.
     */
    private Decoded custom(Manifest manifest) {
        String kind = manifest.kind();
        if ("CustomResourceDefinition".equals(kind)) {
            if (!manifest.apiVersion().startsWith("apiextensions.k8s.io/") || !definitions.containsKey(manifest.name())) {
                return new Decoded(null, null);
            }
            return new Decoded(new GenericKubernetesResourceBuilder().withApiVersion(manifest.apiVersion()).withKind(kind)
                    .withNewMetadata().withName(manifest.name()).endMetadata().build(), null);
        }
        ResourceKind read = optional.get(kind).get(manifest.apiVersion());
        if (read == null) {
            return new Decoded(null, describe(manifest) + ": apiVersion " + Text.escape(manifest.apiVersion()) + " is not read (this build reads "
                    + String.join(", ", optional.get(kind).keySet()) + " for " + kind + "); not evaluated");
        }
        stripUnread(manifest.body());
        GenericKubernetesResource object;
        try {
            object = serialization.convertValue(manifest.body(), GenericKubernetesResource.class);
        } catch (IllegalArgumentException e) {
            throw new InputException(problem(manifest, e.getCause() instanceof JsonMappingException m ? m : null, e));
        }
        if (object.getMetadata() == null || object.getMetadata().getName() == null || object.getMetadata().getName().isBlank()) {
            throw new InputException(manifest.where("metadata") + ": " + kind + " without metadata.name");
        }
        return new Decoded(object, null);
    }

    private static String describe(Manifest manifest) {
        return manifest.where() + ": " + Text.escape(manifest.kind()) + " " + Text.escape(String.valueOf(manifest.name()));
    }

    /** What no control reads and an export can be full of: managedFields and the last-applied copy of the object. */
    private static void stripUnread(ObjectNode body) {
        if (body.get("metadata") instanceof ObjectNode metadata) {
            metadata.remove("managedFields");
            if (metadata.get("annotations") instanceof ObjectNode annotations) {
                annotations.remove(LAST_APPLIED);
            }
        }
    }

    public ControlPolicy policy(Manifest manifest) {
        if (!ControlPolicy.API_VERSION.equals(manifest.apiVersion())) {
            throw new InputException(manifest.where("apiVersion") + ": " + ControlPolicy.KIND + " " + Text.escape(manifest.name())
                    + ": apiVersion " + Text.escape(manifest.apiVersion()) + " is not supported (this build reads " + ControlPolicy.API_VERSION + ")");
        }
        List<String> nulls = SchemaDefaults.apply(manifest.body());
        if (!nulls.isEmpty()) {
            String first = nulls.get(0);
            throw new InputException(manifest.where(first.substring(0, first.indexOf(':'))) + ": policy " + Text.escape(manifest.name()) + ": " + first);
        }
        try {
            return policies.treeToValue(manifest.body(), ControlPolicy.class);
        } catch (JsonMappingException e) {
            throw new InputException(problem(manifest, e, e));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new InputException(manifest.where() + ": " + Text.escape(e.getOriginalMessage()));
        }
    }

    /** A ControlException, read as strictly as a policy; what the schema would refuse, the engine reports as Invalid. */
    public ControlException exception(Manifest manifest) {
        if (!ControlPolicy.API_VERSION.equals(manifest.apiVersion())) {
            throw new InputException(manifest.where("apiVersion") + ": exception " + Text.escape(manifest.name())
                    + ": apiVersion " + Text.escape(manifest.apiVersion()) + " is not supported (this build reads " + ControlPolicy.API_VERSION + ")");
        }
        try {
            return policies.treeToValue(manifest.body(), ControlException.class);
        } catch (JsonMappingException e) {
            throw new InputException(problem(manifest, e, e));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new InputException(manifest.where() + ": " + Text.escape(e.getOriginalMessage()));
        }
    }

    /** {@code file:line: Kind name: field.path: problem}, in the user's words. */
    private static String problem(Manifest manifest, JsonMappingException mapping, Exception e) {
        // "exception", not the kind's name: messages carry no word a reader could take for a crash
        String what = (ControlPolicy.KIND.equals(manifest.kind()) ? "policy" : isException(manifest) ? "exception" : manifest.kind()) + " " + manifest.name();
        if (mapping == null) {
            return manifest.where() + ": " + Text.escape(what) + ": " + Text.escape(String.valueOf(e.getMessage()));
        }
        StringBuilder path = new StringBuilder();
        for (JsonMappingException.Reference ref : mapping.getPath()) {
            if (ref.getFieldName() != null) {
                path.append(path.length() == 0 ? "" : ".").append(ref.getFieldName());
            } else if (ref.getIndex() >= 0) {
                path.append('[').append(ref.getIndex()).append(']');
            }
        }
        JsonNode value = at(manifest.body(), mapping);
        String detail;
        if (mapping instanceof UnrecognizedPropertyException) {
            detail = "unknown field";
        } else if (mapping instanceof InvalidFormatException || mapping instanceof MismatchedInputException) {
            detail = expected(mapping) + (value == null ? "" : ", got " + shown(value));
        } else if (mapping instanceof com.fasterxml.jackson.databind.exc.ValueInstantiationException v
                && v.getType().getRawClass() == io.fabric8.kubernetes.api.model.IntOrString.class) {
            detail = "must be a number or a string" + (value == null ? "" : ", got " + shown(value));
        } else {
            // Jackson's own words name Java types: keep only what the user can act on
            String message = mapping.getOriginalMessage().lines().findFirst().orElse("invalid value");
            detail = (message.contains("`") || message.contains("Exception") ? "invalid value" : message.replaceAll("\\.$", ""))
                    + (value == null ? "" : ", got " + shown(value));
        }
        return manifest.where(path.toString()) + ": " + Text.escape(what) + ": " + Text.escape(path.toString()) + ": " + Text.escape(detail);
    }

    /** The expected type in the user's words (no Java class names). */
    private static String expected(JsonMappingException mapping) {
        Class<?> type = mapping instanceof MismatchedInputException m ? m.getTargetType() : null;
        if (type == null) {
            return "invalid value";
        }
        if (type.isEnum()) {
            StringBuilder values = new StringBuilder();
            for (Object constant : type.getEnumConstants()) {
                values.append(values.length() == 0 ? "" : ", ").append(constant);
            }
            return "must be one of " + values;
        }
        if (type == String.class) {
            return "must be a string (quote it)";
        }
        if (type == boolean.class || type == Boolean.class) {
            return "must be true or false";
        }
        if (Number.class.isAssignableFrom(type) || type.isPrimitive()) {
            return "must be a number";
        }
        if (Collection.class.isAssignableFrom(type) || type.isArray()) {
            return "must be a list";
        }
        return "must be a mapping";
    }

    private static JsonNode at(JsonNode root, JsonMappingException mapping) {
        JsonNode node = root;
        for (JsonMappingException.Reference ref : mapping.getPath()) {
            node = ref.getFieldName() != null ? node.get(ref.getFieldName()) : ref.getIndex() >= 0 ? node.get(ref.getIndex()) : node;
            if (node == null) {
                return null;
            }
        }
        return node;
    }

    private static String shown(JsonNode value) {
        if (value.isTextual()) {
            return "'" + value.asText() + "'";
        }
        if (value.isContainerNode()) {
            return value.isArray() ? "a list" : "a mapping";
        }
        return value.isNull() ? "null" : value.toString();
    }

    /**
     * Secrets keep their metadata and type only: their data (and a last-applied annotation that could repeat
     * it) is dropped as soon as they are read.
     */
    static HasMetadata withoutSecretData(HasMetadata object) {
        if (object instanceof Secret secret) {
            secret.setData(null);
            secret.setStringData(null);
            if (secret.getMetadata().getAnnotations() != null) {
                secret.getMetadata().getAnnotations().remove(LAST_APPLIED);
            }
        }
        return object;
    }
}

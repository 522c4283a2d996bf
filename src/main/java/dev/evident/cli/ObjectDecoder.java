package dev.evident.cli;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import dev.evident.api.v1alpha1.ControlPolicy;
import dev.evident.engine.Read;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesResource;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * Turns manifests into the typed Fabric8 objects the engine lists (Namespace, NetworkPolicy, ...) and
 * ControlPolicies into {@link ControlPolicy}. Kinds without a model class are left out.
 */
public final class ObjectDecoder {
    private static final String LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration";
    /** Policies are read strictly: a misspelt field must not silently switch a control off. */
    private static final ObjectMapper STRICT = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private final KubernetesSerialization serialization = new KubernetesSerialization();

    /** @param reads the kinds controls read, registered so that kinds outside the Fabric8 model decode too */
    public ObjectDecoder(Collection<Read> reads) {
        reads.forEach(r -> serialization.registerKubernetesResource(r.kind()));
    }

    public static boolean isPolicy(Manifest manifest) {
        return ControlPolicy.KIND.equals(manifest.kind()) && manifest.apiVersion().startsWith(ControlPolicy.GROUP + "/");
    }

    /** Every typed object among the manifests; ControlPolicies and unknown kinds are left out. */
    public List<HasMetadata> objects(List<Manifest> manifests) {
        List<HasMetadata> objects = new ArrayList<>();
        for (Manifest manifest : manifests) {
            if (!isPolicy(manifest)) {
                object(manifest).ifPresent(objects::add);
            }
        }
        return objects;
    }

    Optional<HasMetadata> object(Manifest manifest) {
        KubernetesResource decoded;
        try {
            decoded = serialization.convertValue(manifest.body(), KubernetesResource.class);
        } catch (IllegalArgumentException e) {
            throw new InputException(problem(manifest, e.getCause() instanceof JsonMappingException m ? m : null, e));
        }
        if (decoded instanceof GenericKubernetesResource || !(decoded instanceof HasMetadata object) || object.getMetadata() == null) {
            return Optional.empty();
        }
        return Optional.of(withoutSecretData(object));
    }

    public ControlPolicy policy(Manifest manifest) {
        if (!ControlPolicy.API_VERSION.equals(manifest.apiVersion())) {
            throw new InputException(manifest.where("apiVersion") + ": " + ControlPolicy.KIND + " " + manifest.name() + ": apiVersion "
                    + manifest.apiVersion() + " is not supported (this build reads " + ControlPolicy.API_VERSION + ")");
        }
        try {
            return STRICT.treeToValue(manifest.body(), ControlPolicy.class);
        } catch (JsonMappingException e) {
            throw new InputException(problem(manifest, e, e));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new InputException(manifest.where() + ": " + e.getOriginalMessage());
        }
    }

    /** {@code file:line: Kind name: field.path: problem}. */
    private static String problem(Manifest manifest, JsonMappingException mapping, Exception e) {
        String what = (ControlPolicy.KIND.equals(manifest.kind()) ? "policy" : manifest.kind()) + " " + manifest.name();
        if (mapping == null) {
            return manifest.where() + ": " + what + ": " + e.getMessage();
        }
        StringBuilder path = new StringBuilder();
        for (JsonMappingException.Reference ref : mapping.getPath()) {
            if (ref.getFieldName() != null) {
                path.append(path.length() == 0 ? "" : ".").append(ref.getFieldName());
            } else if (ref.getIndex() >= 0) {
                path.append('[').append(ref.getIndex()).append(']');
            }
        }
        String detail = mapping instanceof UnrecognizedPropertyException ? "unknown field"
                : mapping.getOriginalMessage().lines().findFirst().orElse("invalid value");
        return manifest.where(path.toString()) + ": " + what + ": " + path + ": " + detail;
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

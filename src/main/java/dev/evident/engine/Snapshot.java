package dev.evident.engine;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Read-only view of the cluster objects an evaluation may look at, together with the evaluation time.
 * The operator backs it with informer caches, the audit command with parsed files; controls cannot tell.
 */
public interface Snapshot {
    /** The evaluation time: controls never read a clock. */
    Instant now();

    /** Every object of that kind, in all namespaces. */
    <T extends HasMetadata> List<T> list(Class<T> kind);

    /** Objects of that kind in one namespace. */
    <T extends HasMetadata> List<T> list(Class<T> kind, String namespace);

    default <T extends HasMetadata> Optional<T> get(Class<T> kind, String namespace, String name) {
        List<T> candidates = namespace == null ? list(kind) : list(kind, namespace);
        return candidates.stream().filter(o -> Objects.equals(o.getMetadata().getName(), name)).findFirst();
    }

    /**
     * Whether the cluster serves this optional kind (its CRD is installed and the objects are known), so
     * that "no object" can be told apart from "the kind does not exist here".
     */
    default boolean serves(ResourceKind kind) {
        return false;
    }

    /**
     * Why an optional kind could not be read although it may be installed (the operator lacks permission, its
     * list failed), or empty: a control must then report an error, not "not installed".
     */
    default Optional<String> unreadable(ResourceKind kind) {
        return Optional.empty();
    }

    /** Every object of an optional kind, empty when it is not served. */
    default List<GenericKubernetesResource> list(ResourceKind kind) {
        return List.of();
    }

    /** Objects of an optional kind in one namespace. */
    default List<GenericKubernetesResource> list(ResourceKind kind, String namespace) {
        return list(kind).stream().filter(o -> Objects.equals(namespace, o.getMetadata().getNamespace())).toList();
    }
}

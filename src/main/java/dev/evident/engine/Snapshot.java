package dev.evident.engine;

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
}

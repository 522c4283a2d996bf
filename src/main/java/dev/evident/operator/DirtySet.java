package dev.evident.operator;

import io.fabric8.kubernetes.api.model.HasMetadata;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The objects that changed since each policy was last evaluated, as the informer events reported them (several
 * events may arrive before one reconcile). Written by informer threads, taken by the policy's reconcile.
 */
final class DirtySet {
    /** Beyond this many changes between two evaluations, evaluating everything costs less than sorting them out. */
    static final int MAX = 1_000;
    /** Stands for "more than MAX": the next evaluation is a full one. */
    private static final List<HasMetadata> OVERFLOW = List.of();

    private final Map<String, List<HasMetadata>> changed = new ConcurrentHashMap<>();

    void add(String policy, HasMetadata object) {
        changed.compute(policy, (k, objects) -> {
            if (objects == OVERFLOW || objects != null && objects.size() >= MAX) {
                return OVERFLOW;
            }
            List<HasMetadata> list = objects == null ? new ArrayList<>() : objects;
            list.add(object);
            return list;
        });
    }

    /** What changed for the policy since the last take, emptied; null when too much changed to track. */
    List<HasMetadata> take(String policy) {
        List<HasMetadata> objects = changed.remove(policy);
        return objects == OVERFLOW ? null : objects == null ? List.of() : objects;
    }

    void forget(String policy) {
        changed.remove(policy);
    }
}

package dev.evident.operator;

import dev.evident.engine.ResourceKind;
import dev.evident.engine.Snapshot;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A snapshot read straight from the operator's informer caches (their stores): no API calls on the hot path,
 * and lookups by namespace or name from the stores' indexes rather than a scan of the whole cache.
 */
final class InformerSnapshot implements Snapshot {
    private final Instant now;
    private final Map<Class<?>, SlimItemStore<?>> stores;
    /** The optional custom kinds, or null when no control reads any. */
    private final OptionalKinds optionalKinds;

    InformerSnapshot(Instant now, Map<Class<?>, SlimItemStore<?>> stores, OptionalKinds optionalKinds) {
        this.now = now;
        this.stores = stores;
        this.optionalKinds = optionalKinds;
    }

    @Override
    public boolean serves(ResourceKind kind) {
        return optionalKinds != null && optionalKinds.serves(kind);
    }

    @Override
    public Optional<String> unreadable(ResourceKind kind) {
        return optionalKinds == null ? Optional.empty() : optionalKinds.problem(kind);
    }

    @Override
    public List<GenericKubernetesResource> list(ResourceKind kind) {
        return optionalKinds == null ? List.of() : optionalKinds.list(kind);
    }

    @Override
    public List<GenericKubernetesResource> list(ResourceKind kind, String namespace) {
        return optionalKinds == null ? List.of() : optionalKinds.list(kind, namespace);
    }

    @Override
    public Instant now() {
        return now;
    }

    @Override
    public <T extends HasMetadata> List<T> list(Class<T> kind) {
        SlimItemStore<T> store = store(kind);
        return store == null ? List.of() : store.values().toList();
    }

    @Override
    public <T extends HasMetadata> List<T> list(Class<T> kind, String namespace) {
        SlimItemStore<T> store = store(kind);
        return store == null ? List.of() : store.inNamespace(namespace);
    }

    @Override
    public <T extends HasMetadata> Optional<T> get(Class<T> kind, String namespace, String name) {
        SlimItemStore<T> store = store(kind);
        return store == null ? Optional.empty() : Optional.ofNullable(store.get(namespace == null ? name : namespace + "/" + name));
    }

    @SuppressWarnings("unchecked")
    private <T extends HasMetadata> SlimItemStore<T> store(Class<T> kind) {
        return (SlimItemStore<T>) stores.get(kind);
    }
}

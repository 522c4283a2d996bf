package dev.evident.operator;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.informers.cache.BasicItemStore;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;

/**
 * Informer store that keeps what controls read, not whole objects. managedFields go from every kind: no
 * control reads them, they are about half of a cached object, and a replace without them leaves the
 * server's record as it is. Secrets also lose their data and the last-applied annotation that repeats it:
 * Evident needs a Secret's type and name, never its content. Other last-applied annotations stay, because
 * an Update plan built from a cached object must not strip a user's {@code kubectl apply} record. A control
 * may slim its kinds further (Read.slim: SecretsInConfig keeps no configuration value).
 *
 * <p>It also indexes objects by namespace: a control asks for one namespace's objects once per selected
 * namespace, and the informer's own list(namespace) scans the whole cache each time, which made one
 * evaluation quadratic in the cluster's size.
 */
final class SlimItemStore<T extends HasMetadata> extends BasicItemStore<T> {
    static final String LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration";
    private final UnaryOperator<HasMetadata> slim;
    /** Namespace ("" for cluster-scoped objects) -> key -> object. */
    private final Map<String, Map<String, T>> byNamespace = new ConcurrentHashMap<>();

    SlimItemStore() {
        this(null);
    }

    /** @param slim what a control keeps of each object beyond this (its Read's slimming), or null */
    SlimItemStore(UnaryOperator<HasMetadata> slim) {
        super(Cache::metaNamespaceKeyFunc);
        this.slim = slim;
    }

    @Override
    public T put(String key, T object) {
        object.getMetadata().setManagedFields(null);
        if (object instanceof Secret secret) {
            secret.setData(null);
            secret.setStringData(null);
            if (secret.getMetadata().getAnnotations() != null) {
                secret.getMetadata().getAnnotations().remove(LAST_APPLIED);
            }
        }
        @SuppressWarnings("unchecked")
        T kept = slim == null ? object : (T) slim.apply(object);
        T previous = super.put(key, kept);
        byNamespace.computeIfAbsent(namespaceOf(kept), n -> new ConcurrentHashMap<>()).put(key, kept);
        return previous;
    }

    @Override
    public T remove(String key) {
        T removed = super.remove(key);
        if (removed != null) {
            Map<String, T> objects = byNamespace.get(namespaceOf(removed));
            if (objects != null) {
                objects.remove(key);
            }
        }
        return removed;
    }

    /** The objects of one namespace, from the index. */
    List<T> inNamespace(String namespace) {
        Map<String, T> objects = byNamespace.get(namespace == null ? "" : namespace);
        return objects == null ? List.of() : List.copyOf(objects.values());
    }

    private static String namespaceOf(HasMetadata o) {
        return o.getMetadata().getNamespace() == null ? "" : o.getMetadata().getNamespace();
    }
}

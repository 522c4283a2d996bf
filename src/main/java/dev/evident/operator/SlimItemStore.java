package dev.evident.operator;

import dev.evident.engine.EmptyMaps;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.informers.cache.BasicItemStore;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import java.util.ArrayList;
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
    /**
     * Namespace ("" for cluster-scoped objects) -> its objects, an immutable list replaced on each change: most
     * namespaces hold one object of a kind, and a list of one costs a fraction of a map per namespace and kind (tens
     * of thousands of them at 10,000 namespaces); readers get it without a copy.
     */
    private final Map<String, List<T>> byNamespace = new ConcurrentHashMap<>();

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
        EmptyMaps.share(kept);
        T previous = super.put(key, kept);
        if (previous != null && !namespaceOf(previous).equals(namespaceOf(kept))) {
            byNamespace.computeIfPresent(namespaceOf(previous), (n, objects) -> without(objects, key));
        }
        byNamespace.compute(namespaceOf(kept), (n, objects) -> {
            List<T> others = objects == null ? null : without(objects, key);
            return with(others == null ? List.of() : others, kept);
        });
        return previous;
    }

    @Override
    public T remove(String key) {
        T removed = super.remove(key);
        if (removed != null) {
            byNamespace.computeIfPresent(namespaceOf(removed), (n, objects) -> without(objects, key));
        }
        return removed;
    }

    /** The objects of one namespace, from the index. */
    List<T> inNamespace(String namespace) {
        List<T> objects = byNamespace.get(namespace == null ? "" : namespace);
        return objects == null ? List.of() : objects;
    }

    private static <T extends HasMetadata> List<T> with(List<T> objects, T object) {
        List<T> next = new ArrayList<>(objects.size() + 1);
        next.addAll(objects);
        next.add(object);
        return List.copyOf(next);
    }

    /** The list without the object of this key; null (no entry) when none is left. */
    private static <T extends HasMetadata> List<T> without(List<T> objects, String key) {
        if (objects.stream().noneMatch(o -> key.equals(Cache.metaNamespaceKeyFunc(o)))) {
            return objects.isEmpty() ? null : objects;
        }
        List<T> next = objects.stream().filter(o -> !key.equals(Cache.metaNamespaceKeyFunc(o))).toList();
        return next.isEmpty() ? null : next;
    }

    private static String namespaceOf(HasMetadata o) {
        return o.getMetadata().getNamespace() == null ? "" : o.getMetadata().getNamespace();
    }
}

package dev.evident.operator;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.informers.cache.BasicItemStore;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import java.util.function.UnaryOperator;

/**
 * Informer store that keeps what controls read, not whole objects. managedFields go from every kind: no
 * control reads them, they are about half of a cached object, and a replace without them leaves the
 * server's record as it is. Secrets also lose their data and the last-applied annotation that repeats it:
 * Evident needs a Secret's type and name, never its content. Other last-applied annotations stay, because
 * an Update plan built from a cached object must not strip a user's {@code kubectl apply} record. A control
 * may slim its kinds further (Read.slim: SecretsInConfig keeps no configuration value).
 */
final class SlimItemStore<T extends HasMetadata> extends BasicItemStore<T> {
    static final String LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration";
    private final UnaryOperator<HasMetadata> slim;

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
        return super.put(key, kept);
    }
}

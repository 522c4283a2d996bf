package dev.evident.operator;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.informers.cache.BasicItemStore;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import java.util.function.UnaryOperator;

/** Informer store that keeps only what a control needs of each object (its Read's slimming), as SecretMetadataStore does for Secrets. */
final class SlimmingStore<R extends HasMetadata> extends BasicItemStore<R> {
    private final UnaryOperator<HasMetadata> slim;

    SlimmingStore(UnaryOperator<HasMetadata> slim) {
        super(Cache::metaNamespaceKeyFunc);
        this.slim = slim;
    }

    @Override
    @SuppressWarnings("unchecked")
    public R put(String key, R object) {
        return super.put(key, (R) slim.apply(object));
    }
}

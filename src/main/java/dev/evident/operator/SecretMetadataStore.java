package dev.evident.operator;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.informers.cache.BasicItemStore;
import io.fabric8.kubernetes.client.informers.cache.Cache;

/** Informer store for Secrets that drops data before caching: Evident needs a Secret's type and name, never its content. */
final class SecretMetadataStore extends BasicItemStore<Secret> {
    SecretMetadataStore() {
        super(Cache::metaNamespaceKeyFunc);
    }

    @Override
    public Secret put(String key, Secret secret) {
        secret.setData(null);
        secret.setStringData(null);
        secret.getMetadata().setManagedFields(null);
        if (secret.getMetadata().getAnnotations() != null) {
            // kubectl keeps the whole applied object, data included, in this annotation.
            secret.getMetadata().getAnnotations().remove("kubectl.kubernetes.io/last-applied-configuration");
        }
        return super.put(key, secret);
    }
}

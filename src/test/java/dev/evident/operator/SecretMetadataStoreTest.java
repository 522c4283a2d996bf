package dev.evident.operator;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SecretMetadataStoreTest {

    @Test
    void cachesTypeAndMetadataButNeverData() {
        SecretMetadataStore store = new SecretMetadataStore();
        Secret secret = new SecretBuilder().withNewMetadata().withNamespace("a").withName("tls")
                .addToAnnotations("kubectl.kubernetes.io/last-applied-configuration", "{\"data\":{\"tls.key\":\"c2VjcmV0\"}}")
                .addToAnnotations("owner", "team-a").endMetadata()
                .withType("kubernetes.io/tls")
                .withData(Map.of("tls.key", "c2VjcmV0"))
                .withStringData(Map.of("extra", "secret"))
                .build();
        store.put(store.getKey(secret), secret);

        Secret cached = store.get("a/tls");
        assertThat(cached.getType()).isEqualTo("kubernetes.io/tls");
        assertThat(cached.getData()).isNull();
        assertThat(cached.getStringData()).isNull();
        assertThat(cached.getMetadata().getAnnotations()).containsOnlyKeys("owner");
    }
}

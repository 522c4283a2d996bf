package dev.evident.operator;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ManagedFieldsEntryBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressBuilder;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SlimItemStoreTest {

    @Test
    void secretsKeepTypeAndMetadataButNeverData() {
        SlimItemStore<Secret> store = new SlimItemStore<>();
        Secret secret = new SecretBuilder().withNewMetadata().withNamespace("a").withName("tls")
                .addToAnnotations(SlimItemStore.LAST_APPLIED, "{\"data\":{\"tls.key\":\"c2VjcmV0\"}}")
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

    @Test
    void everyKindLosesManagedFieldsButKeepsTheUsersApplyRecord() {
        SlimItemStore<Ingress> store = new SlimItemStore<>();
        Ingress ingress = new IngressBuilder().withNewMetadata().withNamespace("web").withName("shop")
                .addToAnnotations(SlimItemStore.LAST_APPLIED, "{\"spec\":{}}")
                .withManagedFields(new ManagedFieldsEntryBuilder().withManager("kubectl").withOperation("Apply").build())
                .endMetadata().withNewSpec().endSpec().build();
        store.put(store.getKey(ingress), ingress);

        Ingress cached = store.get("web/shop");
        assertThat(cached.getMetadata().getManagedFields()).isNull();
        assertThat(cached.getMetadata().getAnnotations()).containsKey(SlimItemStore.LAST_APPLIED);
    }

    @Test
    void objectsAreIndexedByNamespace() {
        SlimItemStore<Secret> store = new SlimItemStore<>();
        for (String ns : List.of("a", "a", "b")) {
            Secret s = new SecretBuilder().withNewMetadata().withNamespace(ns).withName("s-" + store.size()).endMetadata().build();
            store.put(store.getKey(s), s);
        }
        assertThat(store.inNamespace("a")).hasSize(2);
        assertThat(store.inNamespace("b")).hasSize(1);
        store.remove("a/s-0");
        assertThat(store.inNamespace("a")).extracting(s -> s.getMetadata().getName()).containsExactly("s-1");
        assertThat(store.inNamespace("none")).isEmpty();
    }

    /** Empty additionalProperties maps are shared, the content is unchanged, and builders copy what they take. */
    @Test
    void emptyAdditionalPropertiesAreSharedWithoutChangingTheObject() {
        SlimItemStore<io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy> store = new SlimItemStore<>();
        var policy = new io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyBuilder().withNewMetadata().withNamespace("a").withName("deny")
                .endMetadata().withNewSpec().withNewPodSelector().endPodSelector().addNewIngress().addNewFrom().withNewPodSelector()
                .addToMatchLabels("app", "web").endPodSelector().endFrom().endIngress().withPolicyTypes("Ingress").endSpec().build();
        policy.getSpec().setAdditionalProperty("unknownField", "kept");
        var original = new io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyBuilder(policy).build();
        original.getMetadata().setManagedFields(null); // the store drops them
        store.put(store.getKey(policy), policy);

        var cached = store.get("a/deny");
        assertThat(cached).isEqualTo(original);
        assertThat(cached.getMetadata().getAdditionalProperties()).isSameAs(Map.of());
        assertThat(cached.getSpec().getIngress().get(0).getFrom().get(0).getPodSelector().getAdditionalProperties()).isSameAs(Map.of());
        assertThat(cached.getSpec().getAdditionalProperties()).containsEntry("unknownField", "kept");
        var edited = new io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyBuilder(cached).editMetadata()
                .addToAdditionalProperties("x", "y").endMetadata().build();
        assertThat(edited.getMetadata().getAdditionalProperties()).containsEntry("x", "y");
    }
}

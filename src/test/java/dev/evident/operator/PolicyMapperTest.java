package dev.evident.operator;

import static dev.evident.engine.Fixtures.networkDefaultDeny;
import static dev.evident.engine.Fixtures.podSecurityLevel;
import static dev.evident.engine.Fixtures.policy;
import static org.assertj.core.api.Assertions.assertThat;

import dev.evident.api.v1alpha1.ControlPolicy;
import dev.evident.api.v1alpha1.Mode;
import dev.evident.controls.StandardControls;
import dev.evident.engine.ControlCatalog;
import dev.evident.engine.Fixtures;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyBuilder;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.IndexerResourceCache;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class PolicyMapperTest {
    private static final ControlCatalog CATALOG = StandardControls.catalog();

    /** The policy cache JOSDK hands the mapper, over a fixed list. */
    private record Policies(List<ControlPolicy> all) implements IndexerResourceCache<ControlPolicy> {
        public Stream<ControlPolicy> list(Predicate<ControlPolicy> p) { return all.stream().filter(p); }
        public Stream<ControlPolicy> list(String namespace, Predicate<ControlPolicy> p) { return list(p); }
        public Optional<ControlPolicy> get(ResourceID id) { return all.stream().filter(x -> x.getMetadata().getName().equals(id.getName())).findFirst(); }
        public Stream<ResourceID> keys() { return all.stream().map(ResourceID::fromResource); }
        public List<ControlPolicy> byIndex(String index, String key) { return List.of(); }
        public void addIndexers(Map<String, Function<ControlPolicy, List<String>>> indexers) { }
    }

    private final ControlPolicy network = policy("network", Mode.Audit, networkDefaultDeny("NET-001", true));
    private final ControlPolicy labels = policy("labels", Mode.Audit, podSecurityLevel("PSS-001", "baseline"));
    private final ControlPolicy teamOnly = policy("team-only", Mode.Audit, networkDefaultDeny("NET-001", true));
    private final ControlPolicy apiServer = policy("api-server", Mode.Audit, Fixtures.control("ENC-002", "SecretsEncryptionAtRest"));

    {
        teamOnly.getSpec().setNamespaceSelector(new LabelSelectorBuilder().addToMatchLabels("team", "a").build());
    }

    private <R extends HasMetadata> Set<String> mapped(Class<R> kind, R object, Map<String, Map<String, String>> namespaceLabels) {
        var mapper = new PolicyMapper<>(kind, CATALOG, new Policies(List.of(network, labels, teamOnly, apiServer)),
                ns -> Optional.ofNullable(namespaceLabels.get(ns)));
        return mapper.toPrimaryResourceIDs(object).stream().map(ResourceID::getName).collect(Collectors.toSet());
    }

    private static NetworkPolicy np(String namespace) {
        return new NetworkPolicyBuilder().withNewMetadata().withNamespace(namespace).withName("x").endMetadata().build();
    }

    @Test
    void namespaceChangesGoToEveryPolicy() {
        assertThat(mapped(Namespace.class, Fixtures.namespace("a"), Map.of())).containsExactlyInAnyOrder("network", "labels", "team-only", "api-server");
    }

    @Test
    void objectsGoToPoliciesThatReadTheirKindAndSelectTheirNamespace() {
        assertThat(mapped(NetworkPolicy.class, np("web"), Map.of("web", Map.of("team", "a")))).containsExactlyInAnyOrder("network", "team-only");
        assertThat(mapped(NetworkPolicy.class, np("web"), Map.of("web", Map.of("team", "b")))).containsExactly("network");
    }

    @Test
    void excludedNamespacesMapNowhere() {
        assertThat(mapped(NetworkPolicy.class, np("kube-system"), Map.of("kube-system", Map.of()))).isEmpty();
    }

    @Test
    void uncachedNamespaceCountsAsSelected() {
        assertThat(mapped(NetworkPolicy.class, np("new"), Map.of())).containsExactlyInAnyOrder("network", "team-only");
    }

    @Test
    void readsPinnedToANamespaceIgnoreExclusions() {
        Pod apiServerPod = new PodBuilder().withNewMetadata().withNamespace("kube-system").withName("kube-apiserver-cp1").endMetadata().build();
        assertThat(mapped(Pod.class, apiServerPod, Map.of("kube-system", Map.of()))).containsExactly("api-server");
    }
}

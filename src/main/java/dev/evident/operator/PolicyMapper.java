package dev.evident.operator;

import dev.evident.api.v1alpha1.ControlPolicy;
import dev.evident.api.v1alpha1.ControlSpec;
import dev.evident.engine.ControlCatalog;
import dev.evident.engine.LabelSelectors;
import dev.evident.engine.Read;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.IndexerResourceCache;
import io.javaoperatorsdk.operator.processing.event.source.SecondaryToPrimaryMapper;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Maps a change of a watched object to the policies it can affect: a Namespace change to every policy
 * (labels may move it in or out of a selector); any other kind to the policies with a control that reads
 * that kind and, for namespaced objects, that select the object's namespace.
 */
final class PolicyMapper<R extends HasMetadata> implements SecondaryToPrimaryMapper<R> {
    private final Class<R> kind;
    private final ControlCatalog catalog;
    private final IndexerResourceCache<ControlPolicy> policies;
    /**
     * Whether some control reads this kind in one namespace only (the API server pod in kube-system): such
     * objects matter even in namespaces a policy excludes.
     */
    private final boolean pinned;

    /** Labels of a namespace from the Namespace cache, empty when not (yet) cached. */
    private final Function<String, Optional<Map<String, String>>> namespaceLabels;

    PolicyMapper(Class<R> kind, ControlCatalog catalog, IndexerResourceCache<ControlPolicy> policies,
            Function<String, Optional<Map<String, String>>> namespaceLabels) {
        this.kind = kind;
        this.catalog = catalog;
        this.policies = policies;
        this.namespaceLabels = namespaceLabels;
        this.pinned = catalog.reads().stream().anyMatch(r -> r.kind().equals(kind) && r.namespace() != null);
    }

    @Override
    public Set<ResourceID> toPrimaryResourceIDs(R object) {
        return policies.list(policy -> affects(policy, object))
                .map(ResourceID::fromResource)
                .collect(Collectors.toSet());
    }

    private boolean affects(ControlPolicy policy, R object) {
        if (kind == Namespace.class) {
            return true;
        }
        if (policy.getSpec() == null || policy.getSpec().getControls() == null) {
            return false;
        }
        String namespace = object.getMetadata().getNamespace();
        List<String> excluded = policy.getSpec().getExcludedNamespaces();
        boolean readsKind = policy.getSpec().getControls().stream()
                .map(ControlSpec::getType)
                .flatMap(type -> catalog.find(type).stream())
                .flatMap(control -> control.reads().stream())
                .map(Read::kind)
                .anyMatch(kind::equals);
        if (!readsKind) {
            return false;
        }
        if (namespace == null || pinned) {
            return true;
        }
        if (excluded != null && excluded.contains(namespace)) {
            return false;
        }
        // A namespace not cached yet counts as selected: a spare reconcile is cheap, a missed one is drift.
        return namespaceLabels.apply(namespace)
                .map(labels -> LabelSelectors.matches(policy.getSpec().getNamespaceSelector(), labels))
                .orElse(true);
    }
}

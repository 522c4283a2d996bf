package dev.evident.operator;

import dev.evident.api.v1alpha1.ControlPolicy;
import dev.evident.api.v1alpha1.ControlSpec;
import dev.evident.engine.ControlCatalog;
import dev.evident.engine.ResourceKind;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.javaoperatorsdk.operator.processing.event.Event;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.AbstractEventSource;
import io.javaoperatorsdk.operator.processing.event.source.IndexerResourceCache;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import org.jboss.logging.Logger;

/**
 * Watches the optional custom kinds controls read (Velero, Cilium, Gateway API), whose CRDs may be missing,
 * installed later or removed: it watches each kind's CustomResourceDefinition by name, starts an informer on
 * the kind once the CRD is established and serves the version, and stops it when the CRD goes. Every change
 * (of the CRD or of an object) triggers the policies with a control that reads the kind. So installing Velero
 * after Evident is picked up without a restart, and a kind that is not installed is told apart from one that
 * has no objects.
 */
final class OptionalKinds extends AbstractEventSource<GenericKubernetesResource, ControlPolicy> {
    private static final Logger LOG = Logger.getLogger(OptionalKinds.class);
    /**
     * Informers list in pages of this many objects. Unpaged, the initial list of a large cluster arrives as one
     * response that is decoded whole before the store slims a single object: 10,000 namespaces' Secrets ran the
     * operator out of deploy/'s heap (288 MB) before it was ready.
     */
    static final long LIST_PAGE_SIZE = 500;
    /** How long start() waits for a kind's initial list, so that the first evaluation does not see it empty. */
    private static final long SYNC_TIMEOUT_SECONDS = 60;

    private final KubernetesClient client;
    private final ControlCatalog catalog;
    private final IndexerResourceCache<ControlPolicy> policies;
    private final Consumer<HasMetadata> observed;
    private final BiConsumer<ResourceKind, List<String>> changed;
    private final List<SharedIndexInformer<CustomResourceDefinition>> definitions = new ArrayList<>();
    private final Map<ResourceKind, Watch> watches = new ConcurrentHashMap<>();
    /** Why a kind could not be read (RBAC, a failing watch), by kind; absent when it reads fine or is not installed. */
    private final Map<ResourceKind, String> problems = new ConcurrentHashMap<>();

    private record Watch(SharedIndexInformer<GenericKubernetesResource> informer, SlimItemStore<GenericKubernetesResource> store,
                         java.util.concurrent.CompletableFuture<Void> synced) {
    }

    /**
     * @param observed told of every object event (what {@link RecentWrites} needs to know the cache caught up)
     * @param changed  told which policies a change of a kind (its objects, or whether it is served) is sent to, before
     *                 they are (what {@link IncrementalEvaluation} needs to re-judge their controls that read it)
     */
    OptionalKinds(KubernetesClient client, ControlCatalog catalog, IndexerResourceCache<ControlPolicy> policies,
            Consumer<HasMetadata> observed, BiConsumer<ResourceKind, List<String>> changed) {
        super(GenericKubernetesResource.class, "optional-kinds");
        this.client = client;
        this.catalog = catalog;
        this.policies = policies;
        this.observed = observed;
        this.changed = changed;
    }

    @Override
    public void start() {
        for (ResourceKind kind : catalog.genericReads()) {
            try {
                definitions.add(client.apiextensions().v1().customResourceDefinitions().withName(kind.crdName())
                        .inform(new Handler<>(crd -> definitionChanged(kind, crd), crd -> stopWatching(kind))));
            } catch (RuntimeException e) {
                problem(kind, "cannot watch CustomResourceDefinition " + kind.crdName() + ": " + e.getMessage());
            }
        }
        for (Watch watch : watches.values()) {
            try {
                watch.synced().get(SYNC_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            } catch (Exception e) {
                LOG.warnf("initial list of an optional kind did not complete: %s", e.toString());
            }
        }
        super.start();
    }

    @Override
    public void stop() {
        definitions.forEach(SharedIndexInformer::stop);
        watches.values().forEach(w -> w.informer().stop());
        watches.clear();
        super.stop();
    }

    @Override
    public Set<GenericKubernetesResource> getSecondaryResources(ControlPolicy primary) {
        return Set.of();
    }

    /** Whether the kind is installed and its objects have been listed. */
    boolean serves(ResourceKind kind) {
        Watch watch = watches.get(kind);
        return watch != null && watch.synced().isDone() && !watch.synced().isCompletedExceptionally();
    }

    Optional<String> problem(ResourceKind kind) {
        return Optional.ofNullable(problems.get(kind));
    }

    List<GenericKubernetesResource> list(ResourceKind kind) {
        Watch watch = watches.get(kind);
        return watch == null || !serves(kind) ? List.of() : watch.store().values().toList();
    }

    List<GenericKubernetesResource> list(ResourceKind kind, String namespace) {
        Watch watch = watches.get(kind);
        return watch == null || !serves(kind) ? List.of() : watch.store().inNamespace(namespace);
    }

    /** Calls one function on an add or an update, another on a delete. */
    private record Handler<T>(Consumer<T> present, Consumer<T> gone) implements ResourceEventHandler<T> {
        @Override
        public void onAdd(T object) {
            present.accept(object);
        }

        @Override
        public void onUpdate(T before, T object) {
            present.accept(object);
        }

        @Override
        public void onDelete(T object, boolean finalStateUnknown) {
            gone.accept(object);
        }
    }

    private void definitionChanged(ResourceKind kind, CustomResourceDefinition crd) {
        if (servesVersion(crd, kind) && crd.getMetadata().getDeletionTimestamp() == null) {
            startWatching(kind);
        } else {
            stopWatching(kind);
        }
    }

    /** Established (the API server serves it) and the version Evident reads is served. */
    static boolean servesVersion(CustomResourceDefinition crd, ResourceKind kind) {
        boolean established = crd.getStatus() != null && crd.getStatus().getConditions() != null
                && crd.getStatus().getConditions().stream().anyMatch(c -> "Established".equals(c.getType()) && "True".equals(c.getStatus()));
        boolean served = crd.getSpec() != null && crd.getSpec().getVersions() != null
                && crd.getSpec().getVersions().stream().anyMatch(v -> kind.version().equals(v.getName()) && Boolean.TRUE.equals(v.getServed()));
        return established && served;
    }

    private synchronized void startWatching(ResourceKind kind) {
        if (watches.containsKey(kind)) {
            return;
        }
        SlimItemStore<GenericKubernetesResource> store = new SlimItemStore<>();
        var resources = client.genericKubernetesResources(new io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext.Builder()
                            .withGroup(kind.group()).withVersion(kind.version()).withKind(kind.kind()).withPlural(kind.plural())
                            .withNamespaced(kind.namespaced()).build());
        SharedIndexInformer<GenericKubernetesResource> informer = (kind.namespaced() ? resources.inAnyNamespace() : resources)
                .withLimit(LIST_PAGE_SIZE).runnableInformer(0).itemStore(store);
        Consumer<GenericKubernetesResource> changed = o -> {
            observed.accept(o);
            trigger(kind);
        };
        informer.addEventHandler(new Handler<>(changed, changed));
        var synced = new java.util.concurrent.CompletableFuture<Void>();
        watches.put(kind, new Watch(informer, store, synced));
        LOG.infof("%s is installed: watching it", kind);
        informer.start().whenComplete((ok, error) -> {
            if (error != null) {
                problem(kind, "cannot list " + kind.plural() + "." + kind.group() + ": " + error.getMessage());
                synced.completeExceptionally(error);
            } else {
                problems.remove(kind);
                synced.complete(null);
            }
            trigger(kind);
        });
    }

    private synchronized void stopWatching(ResourceKind kind) {
        Watch watch = watches.remove(kind);
        if (watch != null) {
            LOG.infof("%s is no longer served: stopped watching it", kind);
            watch.informer().stop();
            trigger(kind);
        }
    }

    private void problem(ResourceKind kind, String message) {
        LOG.error(message);
        problems.put(kind, message);
        trigger(kind);
    }

    /** Reconciles every policy with a control that reads the kind. */
    private void trigger(ResourceKind kind) {
        if (!isRunning()) {
            return; // before start completes: the first reconcile of every policy follows anyway
        }
        List<ControlPolicy> reading = policies.list(policy -> reads(policy, kind)).toList();
        changed.accept(kind, reading.stream().map(policy -> policy.getMetadata().getName()).toList());
        reading.forEach(policy -> getEventHandler().handleEvent(new Event(ResourceID.fromResource(policy))));
    }

    private boolean reads(ControlPolicy policy, ResourceKind kind) {
        return policy.getSpec() != null && policy.getSpec().getControls() != null && policy.getSpec().getControls().stream()
                .map(ControlSpec::getType)
                .flatMap(type -> catalog.find(type).stream())
                .anyMatch(control -> control.genericReads().contains(kind));
    }
}

package dev.evident.operator;

import dev.evident.api.v1alpha1.ControlPolicy;
import dev.evident.api.v1alpha1.ControlPolicyStatus;
import dev.evident.api.v1alpha1.Mode;
import dev.evident.engine.ControlEvaluation;
import dev.evident.engine.Engine;
import dev.evident.engine.Finding;
import dev.evident.engine.PolicyEvaluation;
import dev.evident.engine.Read;
import dev.evident.engine.Remediation;
import dev.evident.engine.Result;
import dev.evident.metrics.EvidentMetrics;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.api.config.informer.FieldSelector;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Cleaner;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.DeleteControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.quarkiverse.operatorsdk.annotations.RBACRule;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Reconciles ControlPolicies from current state, always: evaluate the policy over the informer caches,
 * apply the remediation plans of Enforce controls (rate-limited), publish status, metrics and Events.
 * Which event triggered the reconcile does not matter.
 */
@ControllerConfiguration(name = ControlPolicyReconciler.NAME)
// What remediation and evidence write (reads follow ControlCatalog.reads()); deploy/ must grant it all
// (DeployManifestsTest). RemoveSubjects' update/delete of bindings needs the optional ClusterRole in
// deploy/optional/, because updating a binding to cluster-admin needs the bind verb on that role.
@RBACRule(apiGroups = "", resources = "namespaces", verbs = {"get", "list", "watch", "patch"})
@RBACRule(apiGroups = "networking.k8s.io", resources = {"networkpolicies"}, verbs = {"get", "list", "watch", "create", "update", "patch"})
@RBACRule(apiGroups = "networking.k8s.io", resources = {"ingresses"}, verbs = {"get", "list", "watch", "update", "patch"})
@RBACRule(apiGroups = "", resources = "events", verbs = {"create", "patch"})
public class ControlPolicyReconciler implements Reconciler<ControlPolicy>, Cleaner<ControlPolicy> {
    public static final String NAME = "controlpolicy";
    private static final Logger LOG = Logger.getLogger(ControlPolicyReconciler.class);

    private final Engine engine;
    private final Clock clock;
    private final KubernetesClient client;
    private final EvidentMetrics metrics;
    private final Remediator remediator;
    private final EventRecorder events;
    private final StatusFactory statusFactory;
    private final StatusWriter statusWriter;
    private final Duration resyncInterval;
    private final RemediationBudget budget;
    private final Duration retryAfter;
    private final Map<Class<?>, InformerEventSource<?, ?>> sources = new ConcurrentHashMap<>();
    private final DriftTracker drift = new DriftTracker();
    /** Remediations applied per policy and control since start, for status. */
    private final Map<String, Map<String, Long>> remediated = new ConcurrentHashMap<>();

    public ControlPolicyReconciler(Engine engine, Clock clock, KubernetesClient client, EvidentMetrics metrics,
            @ConfigProperty(name = "evident.resync-interval") Duration resyncInterval,
            @ConfigProperty(name = "evident.remediation.max-per-second") double maxPerSecond,
            @ConfigProperty(name = "evident.remediation.retry-after") Duration retryAfter,
            @ConfigProperty(name = "evident.remediation.server-side-apply") boolean serverSideApply) {
        this.engine = engine;
        this.clock = clock;
        this.client = client;
        this.metrics = metrics;
        this.resyncInterval = resyncInterval;
        this.budget = new RemediationBudget(clock, maxPerSecond);
        this.retryAfter = retryAfter;
        this.remediator = new Remediator(client, serverSideApply);
        this.events = new EventRecorder(client, clock);
        this.statusFactory = new StatusFactory(clock, resyncInterval);
        this.statusWriter = new StatusWriter(client);
    }

    @Override
    public List<EventSource<?, ControlPolicy>> prepareEventSources(EventSourceContext<ControlPolicy> context) {
        List<EventSource<?, ControlPolicy>> list = new ArrayList<>();
        for (Read read : engine.catalog().reads()) {
            InformerEventSource<?, ControlPolicy> source = informer(read, context);
            sources.put(read.kind(), source);
            list.add(source);
        }
        return list;
    }

    private <R extends HasMetadata> InformerEventSource<R, ControlPolicy> informer(Read read, EventSourceContext<ControlPolicy> context) {
        @SuppressWarnings("unchecked")
        Class<R> kind = (Class<R>) read.kind();
        var config = InformerEventSourceConfiguration.from(kind, ControlPolicy.class)
                .withName(kind.getSimpleName())
                .withSecondaryToPrimaryMapper(new PolicyMapper<>(kind, engine.catalog(), context.getPrimaryCache(), this::namespaceLabels));
        if (read.namespace() != null) {
            config.withNamespaces(read.namespace());
        } else {
            config.withWatchAllNamespaces();
        }
        if (read.labelSelector() != null) {
            config.withLabelSelector(read.labelSelector());
        }
        if (read.fieldSelector() != null) {
            config.withFieldSelector(new FieldSelector(Arrays.stream(read.fieldSelector().split(","))
                    .map(f -> f.split("=", 2))
                    .map(kv -> new FieldSelector.Field(kv[0], kv[1]))
                    .toList()));
        }
        if (kind == Secret.class) {
            @SuppressWarnings("unchecked")
            var store = (io.fabric8.kubernetes.client.informers.cache.ItemStore<R>) (Object) new SecretMetadataStore();
            config.withItemStore(store);
        } else if (read.slim() != null) {
            config.withItemStore(new SlimmingStore<R>(read.slim()));
        }
        return new InformerEventSource<>(config.build(), context);
    }

    private Optional<Map<String, String>> namespaceLabels(String namespace) {
        @SuppressWarnings("unchecked")
        var namespaces = (InformerEventSource<Namespace, ControlPolicy>) sources.get(Namespace.class);
        return namespaces == null ? Optional.empty()
                : namespaces.get(new ResourceID(namespace)).map(ns -> Optional.ofNullable(ns.getMetadata().getLabels()).orElse(Map.of()));
    }

    @Override
    public UpdateControl<ControlPolicy> reconcile(ControlPolicy policy, Context<ControlPolicy> context) {
        String name = policy.getMetadata().getName();
        Instant now = clock.instant();
        PolicyEvaluation evaluation = engine.evaluate(policy, new InformerSnapshot(now, sources));
        ControlPolicyStatus status;
        RemediationOutcome outcome = RemediationOutcome.NONE;
        if (!evaluation.valid()) {
            status = statusFactory.invalid(policy, evaluation);
            if (!status.equals(policy.getStatus())) {
                events.warning(policy, "InvalidSpec", String.join("; ", evaluation.problems()));
            }
            drift.forget(name);
        } else {
            recordDrift(policy, evaluation);
            outcome = remediate(policy, evaluation);
            status = statusFactory.evaluated(policy, evaluation, remediated.getOrDefault(name, Map.of()), outcome);
        }
        metrics.recordEvaluation(evaluation, now, outcome.pending());

        if (!status.equals(policy.getStatus())) {
            statusWriter.write(policy, status);
        }
        Duration next = outcome.pending() > 0 ? budget.untilNext().plusMillis(10)
                : outcome.failed() > 0 && retryAfter.compareTo(resyncInterval) < 0 ? retryAfter : resyncInterval;
        return UpdateControl.<ControlPolicy>noUpdate().rescheduleAfter(next);
    }

    private void recordDrift(ControlPolicy policy, PolicyEvaluation evaluation) {
        String name = policy.getMetadata().getName();
        DriftTracker.Changes changes = drift.update(name, evaluation.specHash(), evaluation.findings());
        if (changes.firstEvaluation()) {
            long violations = evaluation.count(Result.FAIL);
            if (violations > 0) {
                events.warning(policy, "ViolationsFound", violations + " violations on first evaluation of this policy version; first: "
                        + describe(changes.failing().isEmpty() ? null : changes.failing().get(0)));
            }
            return;
        }
        for (Finding f : changes.failing()) {
            metrics.driftDetected(name, f.control());
            events.warning(policy, "DriftDetected", f.control() + " " + f.object() + ": " + f.reason() + ": " + f.message());
        }
    }

    /** Applies the plans of Enforce controls the write budget allows; counts what is left and what failed. */
    private RemediationOutcome remediate(ControlPolicy policy, PolicyEvaluation evaluation) {
        String name = policy.getMetadata().getName();
        int pending = 0;
        int failed = 0;
        for (ControlEvaluation control : evaluation.controls()) {
            if (control.mode() != Mode.Enforce) {
                continue;
            }
            for (Finding f : control.findings()) {
                Remediation plan = f.remediation();
                if (f.result() != Result.FAIL || plan == null) {
                    continue;
                }
                if (pending > 0 || !budget.tryAcquire()) {
                    pending++;
                    continue;
                }
                try {
                    String original = Remediator.recordOriginal(plan);
                    if (original != null) {
                        events.normal(policy, "OriginalRecorded", control.id() + ": before " + plan.summary() + "; original: " + original);
                    }
                    remediator.apply(plan);
                    drift.remediated(name, f);
                    metrics.remediation(name, control.id(), true);
                    remediated.computeIfAbsent(name, k -> new ConcurrentHashMap<>()).merge(control.id(), 1L, Long::sum);
                    events.normal(policy, "Remediated", control.id() + ": " + plan.summary());
                } catch (KubernetesClientException e) {
                    failed++;
                    metrics.remediation(name, control.id(), false);
                    LOG.warnf("remediation failed for policy %s control %s: %s: %s", name, control.id(), plan.summary(), Remediator.describe(e));
                    events.warning(policy, "RemediationFailed", control.id() + ": " + plan.summary() + ": " + Remediator.describe(e));
                }
            }
        }
        return new RemediationOutcome(pending, failed);
    }

    private static String describe(Finding f) {
        return f == null ? "none" : f.control() + " " + f.object() + ": " + f.reason();
    }

    /**
     * Owner references garbage-collect the managed objects once the policy is gone; this records what
     * will go (and that labels set on Namespaces stay) before the finalizer is released.
     */
    @Override
    public DeleteControl cleanup(ControlPolicy policy, Context<ControlPolicy> context) {
        String name = policy.getMetadata().getName();
        List<String> managed = new ArrayList<>();
        for (InformerEventSource<?, ?> source : sources.values()) {
            source.list(o -> true).map(HasMetadata.class::cast)
                    .filter(o -> ownedBy(o, policy))
                    .forEach(o -> managed.add(o.getKind() + " " + o.getMetadata().getNamespace() + "/" + o.getMetadata().getName()));
        }
        events.normal(policy, "PolicyDeleted", "policy deleted; garbage collection removes " + managed.size() + " managed objects"
                + (managed.isEmpty() ? "" : ": " + String.join(", ", managed.subList(0, Math.min(managed.size(), 50)))
                        + (managed.size() > 50 ? ", ..." : ""))
                + "; labels set on Namespaces are left in place");
        drift.forget(name);
        remediated.remove(name);
        metrics.forget(name);
        return DeleteControl.defaultDelete();
    }

    private static boolean ownedBy(HasMetadata o, ControlPolicy policy) {
        return o.getMetadata().getOwnerReferences() != null && o.getMetadata().getOwnerReferences().stream()
                .anyMatch(r -> ControlPolicy.KIND.equals(r.getKind()) && policy.getMetadata().getUid() != null
                        && policy.getMetadata().getUid().equals(r.getUid()));
    }
}

package dev.evident.operator;

import dev.evident.api.v1alpha1.ControlException;
import dev.evident.api.v1alpha1.ControlPolicy;
import dev.evident.api.v1alpha1.ControlPolicyStatus;
import dev.evident.engine.Engine;
import dev.evident.engine.EvaluationDiff;
import dev.evident.engine.Finding;
import dev.evident.engine.Labels;
import dev.evident.engine.PolicyEvaluation;
import dev.evident.engine.Read;
import dev.evident.engine.Snapshot;
import dev.evident.evidence.EvidenceRecorder;
import dev.evident.evidence.PolicyReportPublisher;
import dev.evident.metrics.EvidentMetrics;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.client.KubernetesClient;
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
import io.javaoperatorsdk.operator.processing.event.source.SecondaryToPrimaryMapper;
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
import java.util.Set;
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
// Optional custom kinds (Velero, Cilium, Gateway API) are watched once their CRD exists: each CRD is watched by name.
@RBACRule(apiGroups = "apiextensions.k8s.io", resources = "customresourcedefinitions", verbs = {"get", "list", "watch"})
// BackupSchedule in Enforce creates or restores managed Velero Schedules (reads: the catalogue's generic reads).
@RBACRule(apiGroups = "velero.io", resources = {"schedules"}, verbs = {"get", "list", "watch", "create", "update", "patch"})
// get: Fabric8 reads an Event before patching its count (aggregation of repeats).
@RBACRule(apiGroups = "", resources = "events", verbs = {"get", "create", "patch"})
// Policy reports: OpenReports or wgpolicyk8s.io, whichever the cluster has; never deleted, owned by the policy.
@RBACRule(apiGroups = "openreports.io", resources = {"reports", "clusterreports"}, verbs = {"get", "create", "update"})
@RBACRule(apiGroups = "wgpolicyk8s.io", resources = {"policyreports", "clusterpolicyreports"}, verbs = {"get", "create", "update"})
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
    private final StatusPace statusPace = new StatusPace();
    private final Duration resyncInterval;
    /** Installed without write permissions on users' resources (Helm auditOnly): never remediate. */
    private final boolean auditOnly;
    private final RemediationBudget budget;
    private final Duration retryAfter;
    private final Map<Class<?>, InformerEventSource<?, ?>> sources = new ConcurrentHashMap<>();
    /** The informers' stores, read directly for indexed lookups. */
    private final Map<Class<?>, SlimItemStore<?>> stores = new ConcurrentHashMap<>();
    private final DriftTracker drift = new DriftTracker();
    private final RecentWrites recentWrites;
    /** Re-judges only what changed since a policy's last evaluation, falling back to a full evaluation when in doubt. */
    private final IncrementalEvaluation incremental;
    private final Repairs repairs;
    /** The evidence log: policy versions, changed findings, runs, remediations. */
    private final EvidenceRecorder evidence;
    private final PolicyReportPublisher policyReports;
    /** Optional custom kinds (Velero, Cilium, Gateway API), watched once their CRDs exist; null until prepared. */
    private volatile OptionalKinds optionalKinds;
    /** What the ControlExceptions did to each evaluation, for their own status. */
    private final ExceptionBook exceptions;

    public ControlPolicyReconciler(Engine engine, Clock clock, KubernetesClient client, EvidentMetrics metrics,
            EvidenceRecorder evidence, PolicyReportPublisher policyReports, ExceptionBook exceptions,
            @ConfigProperty(name = "evident.resync-interval") Duration resyncInterval,
            @ConfigProperty(name = "evident.remediation.max-per-second") double maxPerSecond,
            @ConfigProperty(name = "evident.remediation.retry-after") Duration retryAfter,
            @ConfigProperty(name = "evident.remediation.server-side-apply") boolean serverSideApply,
            @ConfigProperty(name = "evident.audit-only") boolean auditOnly) {
        this.engine = engine;
        this.clock = clock;
        this.client = client;
        this.metrics = metrics;
        this.evidence = evidence;
        this.policyReports = policyReports;
        this.exceptions = exceptions;
        this.resyncInterval = resyncInterval;
        this.auditOnly = auditOnly;
        if (auditOnly) {
            LOG.warn("evident.audit-only is set: Enforce policies are evaluated and reported, never remediated");
        }
        this.budget = new RemediationBudget(clock, maxPerSecond);
        this.retryAfter = retryAfter;
        this.remediator = new Remediator(client, serverSideApply);
        this.incremental = new IncrementalEvaluation(engine, clock, resyncInterval);
        this.recentWrites = new RecentWrites(clock, incremental::wrote);
        this.events = new EventRecorder(client, clock);
        this.statusFactory = new StatusFactory(clock, resyncInterval);
        this.statusWriter = new StatusWriter(client);
        this.repairs = new Repairs(engine, remediator, recentWrites, this::snapshot, budget, events, metrics, drift, evidence);
    }

    @Override
    public List<EventSource<?, ControlPolicy>> prepareEventSources(EventSourceContext<ControlPolicy> context) {
        List<EventSource<?, ControlPolicy>> list = new ArrayList<>();
        for (Read read : engine.catalog().reads()) {
            InformerEventSource<?, ControlPolicy> source = informer(read, context);
            sources.put(read.kind(), source);
            list.add(source);
        }
        if (!engine.catalog().genericReads().isEmpty()) {
            optionalKinds = new OptionalKinds(client, engine.catalog(), context.getPrimaryCache(), recentWrites::observed, incremental::changedKind);
            list.add(optionalKinds);
        }
        list.add(exceptionInformer(context));
        return list;
    }

    /** ControlExceptions are in the snapshot like any object the engine reads; a change re-evaluates the policy named. */
    private InformerEventSource<ControlException, ControlPolicy> exceptionInformer(EventSourceContext<ControlPolicy> context) {
        SlimItemStore<ControlException> store = new SlimItemStore<>();
        stores.put(ControlException.class, store);
        return new InformerEventSource<>(InformerEventSourceConfiguration.from(ControlException.class, ControlPolicy.class)
                .withName(ControlException.class.getSimpleName())
                .withSecondaryToPrimaryMapper(new ExceptionPolicyMapper())
                .withWatchAllNamespaces()
                .withItemStore(store)
                .withInformerListLimit(OptionalKinds.LIST_PAGE_SIZE)
                .build(), context);
    }

    private <R extends HasMetadata> InformerEventSource<R, ControlPolicy> informer(Read read, EventSourceContext<ControlPolicy> context) {
        @SuppressWarnings("unchecked")
        Class<R> kind = (Class<R>) read.kind();
        var config = InformerEventSourceConfiguration.from(kind, ControlPolicy.class)
                .withName(kind.getSimpleName())
                .withSecondaryToPrimaryMapper(observing(new PolicyMapper<>(kind, engine.catalog(), context.getPrimaryCache(), this::namespaceLabels)));
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
        SlimItemStore<R> store = new SlimItemStore<>(read.slim());
        config.withItemStore(store).withInformerListLimit(OptionalKinds.LIST_PAGE_SIZE);
        stores.put(kind, store);
        return new InformerEventSource<>(config.build(), context);
    }

    /**
     * Every informer event goes through the mapper: it also tells {@link RecentWrites} what the cache has seen, and
     * {@link IncrementalEvaluation} what changed for which policies.
     */
    private <R extends HasMetadata> SecondaryToPrimaryMapper<R> observing(PolicyMapper<R> mapper) {
        return resource -> {
            recentWrites.observed(resource);
            Set<ResourceID> policies = mapper.toPrimaryResourceIDs(resource);
            incremental.changed(resource, policies.stream().map(ResourceID::getName).toList());
            return policies;
        };
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
        IncrementalEvaluation.Reevaluation reevaluation = incremental.reevaluate(policy, snapshot(now));
        PolicyEvaluation evaluation = reevaluation.evaluation();
        EvaluationDiff diff = reevaluation.diff();
        evidence.evaluated(policy, evaluation, diff, now);
        exceptions.record(name, evaluation.exceptions());
        ControlPolicyStatus status;
        RemediationOutcome outcome = RemediationOutcome.NONE;
        if (!evaluation.valid()) {
            status = statusFactory.invalid(policy, evaluation);
            if (!status.equals(policy.getStatus())) {
                events.warning(policy, "InvalidSpec", String.join("; ", evaluation.problems()));
            }
            drift.forget(name);
        } else {
            DriftTracker.Changes changes = drift.update(name, evaluation, diff, now);
            outcome = auditOnly ? RemediationOutcome.NONE : repairs.remediate(policy, evaluation, now);
            // After the repairs: an Event is a view (the evidence log, written before them, has the order), and a
            // repair should wait for no API call it does not need.
            recordChanges(policy, evaluation, changes);
            status = statusFactory.evaluated(policy, evaluation, repairs.remediated(name), outcome,
                    evidence.writeHealthy() ? null : evidence.writeError());
        }
        metrics.recordEvaluation(evaluation, now, outcome.pending());
        policyReports.publish(policy, evaluation, diff);

        Duration statusDue = null;
        if (!status.equals(policy.getStatus())) {
            Duration wait = statusPace.delay(name, policy.getStatus(), status, now);
            if (wait.isZero()) {
                statusWriter.write(policy, status);
                statusPace.wrote(name, now);
            } else {
                statusDue = wait;
            }
        }
        Duration next = outcome.pending() > 0 ? budget.untilNext().plusMillis(10)
                : outcome.failed() > 0 && retryAfter.compareTo(resyncInterval) < 0 ? retryAfter : resyncInterval;
        if (statusDue != null && statusDue.compareTo(next) < 0) {
            next = statusDue.plusMillis(10);
        }
        next = soonerForChange(now, evaluation.changesAt(), next);
        Optional<Duration> summaryDue = events.flush(policy);
        if (summaryDue.isPresent() && summaryDue.get().compareTo(next) < 0) {
            next = summaryDue.get().plusMillis(10);
        }
        return UpdateControl.<ControlPolicy>noUpdate().rescheduleAfter(next);
    }

    /**
     * A verdict that changes by time alone (a backup going stale, an exception expiring) is re-judged at that
     * instant, not at the next resync. Controls judge "at or after", so waking a few ms late is exact.
     */
    static Duration soonerForChange(Instant now, Optional<Instant> changesAt, Duration next) {
        if (changesAt.isEmpty()) {
            return next;
        }
        Duration due = Duration.between(now, changesAt.get());
        Duration wake = due.isNegative() ? Duration.ofMillis(10) : due.plusMillis(10);
        return wake.compareTo(next) < 0 ? wake : next;
    }

    /** The policy evaluated over the live caches now, without acting on it: what the parity test compares with audit. */
    PolicyEvaluation evaluateLive(ControlPolicy policy, Instant now) {
        return engine.evaluate(policy, snapshot(now));
    }

    private Snapshot snapshot(Instant now) {
        return new OverlaySnapshot(new InformerSnapshot(now, stores, optionalKinds), recentWrites);
    }

    /**
     * Events and counters for what changed since the last evaluation: drift (a compliant object stopped
     * complying) and new violations (an object non-compliant when first seen). The first evaluation of a
     * policy version is a baseline: one ViolationsFound Event, no drift.
     */
    private void recordChanges(ControlPolicy policy, PolicyEvaluation evaluation, DriftTracker.Changes changes) {
        String name = policy.getMetadata().getName();
        if (changes.firstEvaluation()) {
            List<Finding> failing = evaluation.failures();
            if (!failing.isEmpty()) {
                events.warning(policy, "ViolationsFound", failing.size() + " violations on first evaluation of this policy version; first: "
                        + describe(failing.get(0)));
            }
            return;
        }
        for (Finding f : changes.drifted()) {
            metrics.driftDetected(name, f.control());
            events.warning(policy, "DriftDetected", f.control() + " " + f.object() + " complied and no longer does: " + f.reason() + ": " + f.message());
        }
        for (Finding f : changes.newViolations()) {
            metrics.newViolation(name, f.control());
            events.warning(policy, "NewViolation", f.control() + " " + f.object() + ": " + f.reason() + ": " + f.message());
        }
    }

    private static String describe(Finding f) {
        return f == null ? "none" : f.control() + " " + f.object() + ": " + f.reason();
    }

    /**
     * Owner references garbage-collect the managed objects once the policy is gone; this records what will
     * go, and what stays: edits to users' objects (which deletion does not undo) and labels set on
     * Namespaces, before the finalizer is released.
     */
    @Override
    public DeleteControl cleanup(ControlPolicy policy, Context<ControlPolicy> context) {
        String name = policy.getMetadata().getName();
        List<String> managed = new ArrayList<>();
        List<String> rewritten = new ArrayList<>();
        for (InformerEventSource<?, ?> source : sources.values()) {
            source.list(o -> true).map(HasMetadata.class::cast).forEach(o -> {
                if (ownedBy(o, policy)) {
                    managed.add(Remediator.name(o));
                } else if (o.getMetadata().getAnnotations() != null
                        && Remediator.policiesOf(o.getMetadata().getAnnotations().get(Labels.REWRITTEN_BY)).contains(name)) {
                    rewritten.add(Remediator.name(o));
                }
            });
        }
        managed.sort(null);
        rewritten.sort(null);
        events.forget(policy);
        events.normal(policy, "PolicyDeleted", "policy deleted; garbage collection removes " + managed.size() + " managed objects"
                + list(managed)
                + (rewritten.isEmpty() ? "" : "; " + rewritten.size() + " objects of users that this policy rewrote keep its changes (deletion does not undo them; "
                        + "the originals are in the OriginalRecorded Events and the evident.originals log)" + list(rewritten))
                + "; labels set on Namespaces are left in place");
        drift.forget(name);
        incremental.forget(name);
        evidence.policyDeleted(policy);
        policyReports.forget(name);
        exceptions.forget(name);
        repairs.forget(name);
        metrics.forget(name);
        statusPace.forget(name);
        return DeleteControl.defaultDelete();
    }

    private static String list(List<String> names) {
        return names.isEmpty() ? "" : ": " + String.join(", ", names.subList(0, Math.min(names.size(), 50))) + (names.size() > 50 ? ", ..." : "");
    }

    private static boolean ownedBy(HasMetadata o, ControlPolicy policy) {
        return o.getMetadata().getOwnerReferences() != null && o.getMetadata().getOwnerReferences().stream()
                .anyMatch(r -> ControlPolicy.KIND.equals(r.getKind()) && policy.getMetadata().getUid() != null
                        && policy.getMetadata().getUid().equals(r.getUid()));
    }
}

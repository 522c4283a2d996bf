package dev.evident.operator;

import dev.evident.api.v1alpha1.ControlPolicy;
import dev.evident.api.v1alpha1.Mode;
import dev.evident.engine.ControlEvaluation;
import dev.evident.engine.Engine;
import dev.evident.engine.Finding;
import dev.evident.engine.ObjectRef;
import dev.evident.engine.PolicyEvaluation;
import dev.evident.engine.Remediation;
import dev.evident.engine.Result;
import dev.evident.engine.Snapshot;
import dev.evident.evidence.EvidenceRecorder;
import dev.evident.metrics.EvidentMetrics;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.jboss.logging.Logger;

/**
 * Applies the remediation plans of Enforce controls and tells the truth about them. Each write is verified:
 * the control is re-evaluated over the object the API server returned, and the write counts as a repair
 * (Event Remediated, metric outcome success, status remediated) only when that leaves nothing to do. A
 * managed object that server-side apply could not bring back (fields another manager added stay) is
 * replaced as a whole and verified again; anything still failing is a RemediationFailed with the reason.
 * Plans that would change nothing are not applied, counted or evented.
 */
final class Repairs {
    private static final Logger LOG = Logger.getLogger(Repairs.class);

    private final Engine engine;
    private final Remediator remediator;
    private final RecentWrites recentWrites;
    private final Function<Instant, Snapshot> snapshots;
    private final RemediationBudget budget;
    private final EventRecorder events;
    private final EvidentMetrics metrics;
    private final DriftTracker drift;
    private final EvidenceRecorder evidence;
    /** Verified remediations per policy and control since start, for status. */
    private final Map<String, Map<String, Long>> remediated = new ConcurrentHashMap<>();

    Repairs(Engine engine, Remediator remediator, RecentWrites recentWrites, Function<Instant, Snapshot> snapshots,
            RemediationBudget budget, EventRecorder events, EvidentMetrics metrics, DriftTracker drift, EvidenceRecorder evidence) {
        this.engine = engine;
        this.remediator = remediator;
        this.recentWrites = recentWrites;
        this.snapshots = snapshots;
        this.budget = budget;
        this.events = events;
        this.metrics = metrics;
        this.drift = drift;
        this.evidence = evidence;
    }

    Map<String, Long> remediated(String policy) {
        return remediated.getOrDefault(policy, Map.of());
    }

    void forget(String policy) {
        remediated.remove(policy);
    }

    /**
     * Applies the plans of Enforce controls the write budget allows, each verified: a write counts as a
     * repair only when re-evaluating the control over the object the API server returned leaves nothing
     * to do. Counts what is left and what failed.
     */
    RemediationOutcome remediate(ControlPolicy policy, PolicyEvaluation evaluation, Instant now) {
        int pending = 0;
        int failed = 0;
        for (ControlEvaluation control : evaluation.controls()) {
            if (control.mode() != Mode.Enforce) {
                continue;
            }
            for (Finding f : control.failures()) {
                Remediation plan = f.remediation();
                if (plan == null) {
                    continue;
                }
                if (Remediator.changesNothing(plan)) {
                    LOG.debugf("policy %s control %s: plan for %s changes nothing; not applied", policy.getMetadata().getName(), f.control(), f.object());
                    continue;
                }
                if (pending > 0 || !budget.tryAcquire()) {
                    pending++;
                    continue;
                }
                if (!repair(policy, f, now)) {
                    failed++;
                }
            }
        }
        return new RemediationOutcome(pending, failed);
    }

    /** Writes one plan, verifies the result, and records it; false when it failed. */
    private boolean repair(ControlPolicy policy, Finding f, Instant now) {
        String name = policy.getMetadata().getName();
        Remediation plan = f.remediation();
        HasMetadata before = current(plan, now);
        HasMetadata written = null;
        try {
            String original = Remediator.recordOriginal(plan);
            if (original != null) {
                events.normal(policy, "OriginalRecorded", f.control() + ": before " + plan.summary() + "; original: " + original);
            }
            written = remediator.apply(plan, name);
            remember(before, written);
            Optional<Finding> after = reevaluate(policy, f, now);
            if (unresolved(after) && Remediator.replaceable(plan, written)) {
                HasMetadata replaced = remediator.replaceManaged((Remediation.Apply) plan, written);
                remember(written, replaced);
                written = replaced;
                after = reevaluate(policy, f, now);
            }
            if (unresolved(after)) {
                Finding still = after.get();
                return failed(policy, f, before, written, "written, but " + f.object() + " still does not comply: " + still.reason() + ": " + still.message());
            }
            Result result = after.map(Finding::result).orElse(Result.PASS);
            drift.remediated(name, f, result, now).ifPresent(took -> metrics.timeToRemediate(name, f.control(), took));
            metrics.remediation(name, f.control(), true);
            evidence.remediation(name, f, plan, before, written, true, null);
            remediated.computeIfAbsent(name, k -> new ConcurrentHashMap<>()).merge(f.control(), 1L, Long::sum);
            String state = after.isEmpty() ? "" : after.get().result() == Result.FAIL
                    ? "; verified, still " + after.get().reason() + ": " + after.get().message()
                    : "; verified " + after.get().result().wire() + ": " + after.get().reason();
            events.normal(policy, "Remediated", f.control() + ": " + plan.summary() + state);
            return true;
        } catch (KubernetesClientException e) {
            return failed(policy, f, before, written, Remediator.describe(e));
        }
    }

    private boolean failed(ControlPolicy policy, Finding f, HasMetadata before, HasMetadata written, String why) {
        String name = policy.getMetadata().getName();
        metrics.remediation(name, f.control(), false);
        evidence.remediation(name, f, f.remediation(), before, written, false, why);
        LOG.warnf("remediation failed for policy %s control %s: %s: %s", name, f.control(), f.remediation().summary(), why);
        events.warning(policy, "RemediationFailed", f.control() + ": " + f.remediation().summary() + ": " + why);
        return false;
    }

    /** The object a plan writes as the caches hold it now (null when it does not exist yet). */
    private HasMetadata current(Remediation plan, Instant now) {
        if (plan instanceof Remediation.Update u) {
            return u.original();
        }
        if (plan instanceof Remediation.Delete d) {
            return d.original();
        }
        HasMetadata target = plan.target();
        if (target instanceof GenericKubernetesResource generic) {
            // an optional custom kind (a Velero Schedule): looked up by its kind, not by the one class all such objects share
            return engine.catalog().genericReads().stream()
                    .filter(k -> k.apiVersion().equals(generic.getApiVersion()) && k.kind().equals(generic.getKind()))
                    .flatMap(k -> snapshots.apply(now).list(k, target.getMetadata().getNamespace()).stream())
                    .filter(o -> o.getMetadata().getName().equals(target.getMetadata().getName()))
                    .findFirst().orElse(null);
        }
        return snapshots.apply(now).get(target.getClass(), target.getMetadata().getNamespace(), target.getMetadata().getName()).orElse(null);
    }

    private void remember(HasMetadata before, HasMetadata written) {
        if (written != null) {
            recentWrites.wrote(before, written);
        } else if (before != null) {
            recentWrites.deleted(before);
        }
    }

    /** The finding again, over the caches with the write laid over them; empty when the object is no longer judged. */
    private Optional<Finding> reevaluate(ControlPolicy policy, Finding f, Instant now) {
        ObjectRef object = f.object();
        String scope = "Namespace".equals(object.kind()) ? object.name() : object.namespace() == null ? "" : object.namespace();
        return engine.evaluateControl(policy, f.control(), snapshots.apply(now), scope).stream()
                .filter(g -> g.key().equals(f.key())).findFirst();
    }

    /** Still failing with something left to do: the write did not repair it. A fail without a plan waits on another controller. */
    private static boolean unresolved(Optional<Finding> after) {
        return after.isPresent() && (after.get().result() == Result.FAIL && after.get().remediation() != null
                || after.get().result() == Result.ERROR);
    }
}

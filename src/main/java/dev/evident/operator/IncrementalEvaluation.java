package dev.evident.operator;

import dev.evident.api.v1alpha1.ControlException;
import dev.evident.api.v1alpha1.ControlPolicy;
import dev.evident.engine.Affected;
import dev.evident.engine.Control;
import dev.evident.engine.ControlEvaluation;
import dev.evident.engine.Engine;
import dev.evident.engine.EvaluationDiff;
import dev.evident.engine.Finding;
import dev.evident.engine.PolicyEvaluation;
import dev.evident.engine.Read;
import dev.evident.engine.Result;
import dev.evident.engine.ResourceKind;
import dev.evident.engine.Snapshot;
import dev.evident.engine.SpecHash;
import dev.evident.exceptions.ExceptionOutcome;
import dev.evident.exceptions.Exceptions;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Queue;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.stream.Collectors;

/**
 * Evaluates a policy by re-judging only what changed since its last evaluation, and gives exactly what a full
 * evaluation would: the previous findings of everything no change can reach, and fresh ones for the namespaces
 * (or the cluster-scoped objects) that the changed objects touch, as each control declares
 * ({@link Control#affectedBy}). Whenever in doubt it evaluates everything: the first time, when the policy
 * changed, at each resync, when a finding is due to change by time alone, after more changes than it tracks,
 * when a ControlException naming the policy changed, after a control error, for a change of a kind no control declares it reads, and
 * for the controls that read an optional kind (generic resources) when its objects change or it comes or goes.
 *
 * <p>It learns of changes from every informer event ({@link #changed}) and of Evident's own writes
 * ({@link #wrote}), which the snapshot shows before the informers do and stops showing when they catch up or
 * the write expires ({@link RecentWrites}): the namespaces of recent writes are re-judged until then.
 */
final class IncrementalEvaluation {
    /** What the last evaluation of a policy gave, and what it was based on. */
    /** @param exceptions the ControlExceptions naming the policy as they were (see {@link #exceptionsOf}) */
    private record Last(PolicyEvaluation evaluation, String uid, Long generation, String specHash, Instant at, Instant fullAt, boolean full,
                        List<String> exceptions) {
    }

    /** An evaluation and how it differs from the policy's previous one (full when it was evaluated whole). */
    record Reevaluation(PolicyEvaluation evaluation, EvaluationDiff diff) {
    }

    private record Written(HasMetadata object, Instant at) {
    }

    private final Engine engine;
    private final Clock clock;
    private final Duration fullEvery;
    /** Kinds some control of the catalogue reads: a change of any other kind is not understood, so re-judges everything. */
    private final Set<Class<?>> knownKinds;
    private final Map<String, Set<Class<?>>> readsByType = new ConcurrentHashMap<>();
    private final DirtySet dirty = new DirtySet();
    private final Map<String, Last> last = new ConcurrentHashMap<>();
    private final Queue<Written> written = new ConcurrentLinkedQueue<>();

    /** @param fullEvery how often a policy is evaluated in full whatever changed (the resync interval) */
    IncrementalEvaluation(Engine engine, Clock clock, Duration fullEvery) {
        this.engine = engine;
        this.clock = clock;
        this.fullEvery = fullEvery;
        this.knownKinds = engine.catalog().reads().stream().map(Read::kind).collect(Collectors.toUnmodifiableSet());
    }

    /** An informer event about this object, which the mapper sent to these policies. */
    void changed(HasMetadata object, Collection<String> policies) {
        for (String policy : policies) {
            dirty.add(policy, object);
        }
    }

    /**
     * Objects of an optional kind (read as generic resources) changed, or the kind came or went: the controls of these
     * policies that read it are re-judged whole.
     */
    void changedKind(ResourceKind kind, Collection<String> policies) {
        changed(new GenericKubernetesResourceBuilder().withApiVersion(kind.apiVersion()).withKind(kind.kind()).withNewMetadata().endMetadata()
                .build(), policies);
    }

    /** Evident wrote (or deleted) this object: every policy re-judges its namespace while the write may be overlaid. */
    void wrote(HasMetadata object) {
        written.add(new Written(object, clock.instant()));
    }

    void forget(String policy) {
        dirty.forget(policy);
        last.remove(policy);
    }

    /** Whether the last evaluation of the policy was a full one (for tests that check the incremental path ran). */
    boolean lastWasFull(String policy) {
        Last l = last.get(policy);
        return l != null && l.full();
    }

    PolicyEvaluation evaluate(ControlPolicy policy, Snapshot snapshot) {
        return reevaluate(policy, snapshot).evaluation();
    }

    Reevaluation reevaluate(ControlPolicy policy, Snapshot snapshot) {
        String name = policy.getMetadata().getName();
        Instant now = snapshot.now();
        List<HasMetadata> changes = dirty.take(name);
        Last previous = last.get(name);
        // Older writes left the overlay before any policy's last full evaluation (at most one resync ago).
        written.removeIf(w -> w.at().plus(RecentWrites.MAX_AGE).plus(fullEvery).isBefore(now));
        if (changes == null || !incrementable(previous, policy, snapshot)) {
            return new Reevaluation(full(policy, snapshot, now), EvaluationDiff.full());
        }
        List<HasMetadata> all = new ArrayList<>(changes);
        for (Written w : written) {
            // Still overlaid at the last evaluation (it may have expired or been observed since): re-judge.
            if (!w.at().plus(RecentWrites.MAX_AGE).isBefore(previous.at())) {
                all.add(w.object());
            }
        }
        List<ControlEvaluation> controls = new ArrayList<>();
        List<Finding> removed = new ArrayList<>();
        List<Finding> added = new ArrayList<>();
        for (ControlEvaluation before : previous.evaluation().controls()) {
            ControlEvaluation updated = update(policy, snapshot, before, all, removed, added);
            if (updated == null) {
                return new Reevaluation(full(policy, snapshot, now), EvaluationDiff.full());
            }
            controls.add(updated);
        }
        List<ExceptionOutcome> outcomes = previous.evaluation().exceptions();
        if (!outcomes.isEmpty()) {
            Optional<List<ExceptionOutcome>> carried = Exceptions.carry(policy, outcomes, snapshot.list(ControlException.class), removed, added);
            if (carried.isEmpty()) {
                return new Reevaluation(full(policy, snapshot, now), EvaluationDiff.full());
            }
            outcomes = carried.get();
        }
        PolicyEvaluation evaluation = new PolicyEvaluation(previous.evaluation().policy(), previous.specHash(), List.of(), controls, outcomes);
        last.put(name, new Last(evaluation, previous.uid(), previous.generation(), previous.specHash(), now, previous.fullAt(), false,
                previous.exceptions()));
        return new Reevaluation(evaluation, new EvaluationDiff(previous.evaluation(), removed, added));
    }

    /**
     * Whether the previous evaluation can be carried forward: same policy version, the same ControlExceptions naming
     * it, no resync or timed change (such as an exception's expiry) due.
     */
    private boolean incrementable(Last previous, ControlPolicy policy, Snapshot snapshot) {
        Instant now = snapshot.now();
        return previous != null && previous.evaluation().valid()
                && previous.exceptions().equals(exceptionsOf(policy, snapshot))
                && Objects.equals(previous.uid(), policy.getMetadata().getUid())
                && sameSpec(previous, policy)
                && now.isBefore(previous.fullAt().plus(fullEvery))
                && previous.evaluation().changesAt().map(at -> at.isAfter(now)).orElse(true);
    }

    /** The API server's generation counts spec changes; without one (a policy not from a server), compare the spec itself. */
    private static boolean sameSpec(Last previous, ControlPolicy policy) {
        Long generation = policy.getMetadata().getGeneration();
        return generation != null ? generation.equals(previous.generation()) : previous.specHash().equals(SpecHash.of(policy.getSpec()));
    }

    private PolicyEvaluation full(ControlPolicy policy, Snapshot snapshot, Instant now) {
        PolicyEvaluation evaluation = engine.evaluate(policy, snapshot);
        last.put(policy.getMetadata().getName(), new Last(evaluation, policy.getMetadata().getUid(), policy.getMetadata().getGeneration(),
                evaluation.specHash(), now, now, true, exceptionsOf(policy, snapshot)));
        return evaluation;
    }

    /**
     * The ControlExceptions naming the policy, each as its name, creation and version: any change to one (or one coming or
     * going) makes the next evaluation full, since what an exception covers is judged over the whole policy.
     */
    private static List<String> exceptionsOf(ControlPolicy policy, Snapshot snapshot) {
        String name = policy.getMetadata().getName();
        List<String> mine = new ArrayList<>();
        for (ControlException e : snapshot.list(ControlException.class)) {
            if (e.getSpec() != null && name.equals(e.getSpec().getPolicy())) {
                // The resourceVersion changes with every write; objects not from a server (tests, files) have none.
                String version = e.getMetadata().getResourceVersion() != null ? e.getMetadata().getResourceVersion() : SpecHash.of(e.getSpec());
                mine.add(e.getMetadata().getName() + "|" + e.getMetadata().getCreationTimestamp() + "|" + version);
            }
        }
        mine.sort(null);
        return mine;
    }

    /**
     * The control's findings after these changes: unchanged when none reaches it, re-judged in full when one may
     * reach anything, else with the touched namespaces (and cluster-scoped objects) re-judged. The findings replaced
     * go to removed and those replacing them to added. Null when only a full evaluation of the policy can tell (the
     * control failed).
     */
    private ControlEvaluation update(ControlPolicy policy, Snapshot snapshot, ControlEvaluation before, List<HasMetadata> changes,
            List<Finding> removed, List<Finding> added) {
        Control control = engine.catalog().find(before.type()).orElse(null);
        if (control == null || failed(before.findings())) {
            return null;
        }
        Set<Class<?>> reads = readsByType.computeIfAbsent(before.type(),
                t -> control.reads().stream().map(Read::kind).collect(Collectors.toUnmodifiableSet()));
        // Keys in the engine's order: a namespace's name, "null" for cluster-scoped objects.
        Set<String> touched = new TreeSet<>();
        for (HasMetadata object : changes) {
            Affected affected;
            if (object instanceof GenericKubernetesResource generic && readsGeneric(control.genericReads(), generic)) {
                affected = Affected.ALL;
            } else if (object instanceof GenericKubernetesResource generic && readsGeneric(engine.catalog().genericReads(), generic)) {
                continue; // another control's optional kind
            } else if (object instanceof Namespace || reads.contains(object.getClass())) {
                affected = control.affectedBy(object);
            } else if (knownKinds.contains(object.getClass())) {
                continue; // another control's kind
            } else {
                affected = Affected.ALL;
            }
            if (affected.all()) {
                List<Finding> findings = engine.evaluateControl(policy, before.id(), snapshot, null);
                if (failed(findings)) {
                    return null;
                }
                removed.addAll(before.findings());
                added.addAll(findings);
                return new ControlEvaluation(before.id(), before.type(), before.mode(), before.criteria(), Collections.unmodifiableList(findings));
            }
            touched.add(String.valueOf(affected.namespace()));
        }
        if (touched.isEmpty()) {
            return before;
        }
        List<Finding> old = before.findings();
        List<Finding> oldFailures = before.failures();
        List<Finding> findings = new ArrayList<>(old.size() + 8);
        List<Finding> failures = new ArrayList<>(oldFailures.size() + 8);
        List<Finding> out = new ArrayList<>();
        List<Finding> in = new ArrayList<>();
        int from = 0;
        int fromFailures = 0;
        for (String key : touched) {
            int start = lowerBound(old, key, from, false);
            int end = lowerBound(old, key, start, true);
            int failuresStart = lowerBound(oldFailures, key, fromFailures, false);
            int failuresEnd = lowerBound(oldFailures, key, failuresStart, true);
            findings.addAll(old.subList(from, start));
            failures.addAll(oldFailures.subList(fromFailures, failuresStart));
            out.addAll(old.subList(start, end));
            List<Finding> fresh = reevaluate(policy, snapshot, before.id(), key);
            if (fresh == null) {
                return null;
            }
            findings.addAll(fresh);
            in.addAll(fresh);
            for (Finding f : fresh) {
                if (f.result() == Result.FAIL) {
                    failures.add(f);
                }
            }
            from = end;
            fromFailures = failuresEnd;
        }
        findings.addAll(old.subList(from, old.size()));
        failures.addAll(oldFailures.subList(fromFailures, oldFailures.size()));
        removed.addAll(out);
        added.addAll(in);
        return new ControlEvaluation(before.id(), before.type(), before.mode(), before.criteria(), Collections.unmodifiableList(findings),
                before.tally().replacing(out, in, findings, failures));
    }

    private static boolean readsGeneric(List<ResourceKind> kinds, GenericKubernetesResource object) {
        return kinds.stream().anyMatch(k -> k.apiVersion().equals(object.getApiVersion()) && k.kind().equals(object.getKind()));
    }

    /** The findings of one key (a namespace, or "null": the cluster's, and those of a namespace named "null"). */
    private List<Finding> reevaluate(ControlPolicy policy, Snapshot snapshot, String controlId, String key) {
        List<Finding> fresh = new ArrayList<>();
        List<String> scopes = "null".equals(key) ? List.of("", "null") : List.of(key);
        for (String scope : scopes) {
            List<Finding> findings = engine.evaluateControl(policy, controlId, snapshot, scope);
            if (failed(findings)) {
                return null;
            }
            for (Finding f : findings) {
                boolean cluster = f.object().namespace() == null;
                if (scope.isEmpty() ? cluster : !cluster && key.equals(f.object().namespace())) {
                    fresh.add(f);
                }
            }
        }
        fresh.sort(Engine.ORDER);
        return fresh;
    }

    /** The first index at or after from whose finding's key is at least (or, with after, beyond) key. */
    private static int lowerBound(List<Finding> findings, String key, int from, boolean after) {
        int lo = from;
        int hi = findings.size();
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            int c = String.valueOf(findings.get(mid).object().namespace()).compareTo(key);
            if (c < 0 || after && c == 0) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    /** A control that threw yields one error finding about the policy (see Engine): only a full evaluation re-judges it. */
    private static boolean failed(List<Finding> findings) {
        return findings.size() == 1 && "ControlError".equals(findings.get(0).reason())
                && findings.get(0).object().namespace() == null && "ControlPolicy".equals(findings.get(0).object().kind());
    }
}

package dev.evident.operator;

import dev.evident.engine.EvaluationDiff;
import dev.evident.engine.Finding;
import dev.evident.engine.PolicyEvaluation;
import dev.evident.engine.Result;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Remembers each policy's last result per finding, to tell drift from new violations. Drift is an object
 * that complied (or that Evident repaired) and stopped complying. An object that fails when it is first
 * seen (a new namespace, a new binding), or that fails after being not applicable or in error, is a new
 * violation, not drift. A finding that was excepted and fails again is neither: the violation was known and
 * waived, and its exception expiring (or going) is recorded on the ControlException (ExceptionExpired). A
 * new spec version starts afresh: its first evaluation is a baseline whose violations are neither.
 */
final class DriftTracker {
    /**
     * @param firstEvaluation the first evaluation of this spec version (by this operator instance)
     * @param drifted         findings that passed before and fail now
     * @param newViolations   findings that fail now and neither passed nor failed before
     */
    record Changes(boolean firstEvaluation, List<Finding> drifted, List<Finding> newViolations) {
    }

    /**
     * @param seen         the evaluation these maps describe (a diff from it can be applied)
     * @param failingSince per failing finding, when Evident first saw it fail (the detection time)
     * @param remediated   findings repaired since that evaluation: the next one must re-judge them for its diff to do
     */
    private record Known(String specHash, PolicyEvaluation seen, Map<Finding.Id, Result> results, Map<Finding.Id, Instant> failingSince,
                         Set<Finding.Id> remediated) {
    }

    private final Map<String, Known> byPolicy = new ConcurrentHashMap<>();

    /**
     * What changed from the evaluation seen before: from the diff alone when it follows that evaluation, else by
     * comparing every finding.
     */
    Changes update(String policy, PolicyEvaluation evaluation, EvaluationDiff diff, Instant at) {
        Known before = byPolicy.get(policy);
        if (before != null && diff.follows(before.seen()) && Objects.equals(before.specHash(), evaluation.specHash())
                && rejudges(diff, before.remediated())) {
            return apply(policy, before, evaluation, diff, at);
        }
        List<Finding> findings = evaluation.findings();
        Map<Finding.Id, Result> now = new ConcurrentHashMap<>(findings.size() * 4 / 3 + 16);
        Map<Finding.Id, Instant> since = new ConcurrentHashMap<>();
        for (Finding f : findings) {
            Finding.Id id = f.id();
            now.put(id, f.result());
            if (f.result() == Result.FAIL) {
                Instant seen = before == null ? null : before.failingSince().get(id);
                since.put(id, seen != null ? seen : at);
            }
        }
        byPolicy.put(policy, new Known(evaluation.specHash(), evaluation, now, since, ConcurrentHashMap.newKeySet()));
        boolean first = before == null || !Objects.equals(before.specHash(), evaluation.specHash());
        List<Finding> drifted = new ArrayList<>();
        List<Finding> newViolations = new ArrayList<>();
        if (!first) {
            for (Finding f : evaluation.failures()) {
                classify(f, before.results().get(f.id()), drifted, newViolations);
            }
        }
        return new Changes(first, drifted, newViolations);
    }

    /** The same as comparing everything, for the findings the diff replaced: the rest kept their results. */
    private Changes apply(String policy, Known known, PolicyEvaluation evaluation, EvaluationDiff diff, Instant at) {
        Map<Finding.Id, Result> wasResult = new HashMap<>();
        Map<Finding.Id, Instant> wasSince = new HashMap<>();
        for (Finding f : diff.removed()) {
            Finding.Id id = f.id();
            Result was = known.results().remove(id);
            if (was != null) {
                wasResult.put(id, was);
            }
            Instant since = known.failingSince().remove(id);
            if (since != null) {
                wasSince.put(id, since);
            }
        }
        List<Finding> drifted = new ArrayList<>();
        List<Finding> newViolations = new ArrayList<>();
        for (Finding f : diff.added()) {
            Finding.Id id = f.id();
            known.results().put(id, f.result());
            if (f.result() == Result.FAIL) {
                Instant seen = wasSince.get(id);
                known.failingSince().put(id, seen != null ? seen : at);
                classify(f, wasResult.get(id), drifted, newViolations);
            }
        }
        known.remediated().clear();
        byPolicy.put(policy, new Known(known.specHash(), evaluation, known.results(), known.failingSince(), known.remediated()));
        return new Changes(false, drifted, newViolations);
    }

    /** Whether the diff re-judged every finding repaired since (Evident's writes are re-judged: see IncrementalEvaluation). */
    private static boolean rejudges(EvaluationDiff diff, Set<Finding.Id> remediated) {
        if (remediated.isEmpty()) {
            return true;
        }
        Set<Finding.Id> added = new HashSet<>();
        diff.added().forEach(f -> added.add(f.id()));
        return added.containsAll(remediated);
    }

    private static void classify(Finding failing, Result was, List<Finding> drifted, List<Finding> newViolations) {
        if (was == Result.PASS) {
            drifted.add(failing);
        } else if (was != Result.FAIL && was != Result.EXCEPTED) {
            newViolations.add(failing);
        }
    }

    /**
     * A verified remediation: the finding's result is now what re-evaluating the written object gave (pass,
     * or fail while another controller finishes the job), even before the next evaluation sees it; a fail
     * after a pass is then drift, however quickly it follows. Returns the time from detection to this
     * repair when the finding is now compliant.
     */
    Optional<Duration> remediated(String policy, Finding finding, Result now, Instant at) {
        Known known = byPolicy.get(policy);
        if (known == null) {
            return Optional.empty();
        }
        known.results().put(finding.id(), now);
        known.remediated().add(finding.id());
        if (now == Result.FAIL) {
            return Optional.empty();
        }
        Instant detected = known.failingSince().remove(finding.id());
        return detected == null ? Optional.empty() : Optional.of(Duration.between(detected, at));
    }

    void forget(String policy) {
        byPolicy.remove(policy);
    }
}

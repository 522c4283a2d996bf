package dev.evident.operator;

import dev.evident.engine.Finding;
import dev.evident.engine.Result;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
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

    /** @param failingSince per failing finding, when Evident first saw it fail (the detection time) */
    private record Known(String specHash, Map<String, Result> results, Map<String, Instant> failingSince) {
    }

    private final Map<String, Known> byPolicy = new ConcurrentHashMap<>();

    Changes update(String policy, String specHash, List<Finding> findings, Instant at) {
        Known before = byPolicy.get(policy);
        Map<String, Result> now = new ConcurrentHashMap<>();
        Map<String, Instant> since = new ConcurrentHashMap<>();
        for (Finding f : findings) {
            now.put(f.key(), f.result());
            if (f.result() == Result.FAIL) {
                Instant seen = before == null ? null : before.failingSince().get(f.key());
                since.put(f.key(), seen != null ? seen : at);
            }
        }
        byPolicy.put(policy, new Known(specHash, now, since));
        boolean first = before == null || !Objects.equals(before.specHash(), specHash);
        List<Finding> drifted = new ArrayList<>();
        List<Finding> newViolations = new ArrayList<>();
        if (!first) {
            for (Finding f : findings) {
                if (f.result() != Result.FAIL) {
                    continue;
                }
                Result was = before.results().get(f.key());
                if (was == Result.PASS) {
                    drifted.add(f);
                } else if (was != Result.FAIL && was != Result.EXCEPTED) {
                    newViolations.add(f);
                }
            }
        }
        return new Changes(first, drifted, newViolations);
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
        known.results().put(finding.key(), now);
        if (now == Result.FAIL) {
            return Optional.empty();
        }
        Instant detected = known.failingSince().remove(finding.key());
        return detected == null ? Optional.empty() : Optional.of(Duration.between(detected, at));
    }

    void forget(String policy) {
        byPolicy.remove(policy);
    }
}

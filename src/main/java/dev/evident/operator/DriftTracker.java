package dev.evident.operator;

import dev.evident.engine.Finding;
import dev.evident.engine.Result;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * Remembers each policy's last results to tell drift (a finding that turns to fail) from violations
 * that were already known. A new spec version starts afresh: its first evaluation is a baseline.
 */
final class DriftTracker {
    record Changes(boolean firstEvaluation, List<Finding> failing) {
    }

    private record Known(String specHash, Map<String, Result> results) {
    }

    private final Map<String, Known> byPolicy = new ConcurrentHashMap<>();

    /** The findings that fail now and did not fail before (all failing ones on a first evaluation). */
    Changes update(String policy, String specHash, List<Finding> findings) {
        Known before = byPolicy.get(policy);
        Map<String, Result> now = findings.stream()
                .collect(Collectors.toMap(Finding::key, Finding::result, (a, b) -> b, ConcurrentHashMap::new));
        byPolicy.put(policy, new Known(specHash, now));
        boolean first = before == null || !Objects.equals(before.specHash(), specHash);
        List<Finding> failing = new ArrayList<>();
        for (Finding f : findings) {
            if (f.result() == Result.FAIL && (first || before.results().get(f.key()) != Result.FAIL)) {
                failing.add(f);
            }
        }
        return new Changes(first, failing);
    }

    /**
     * A successful remediation makes the finding compliant, even before an evaluation sees it so: a fail
     * after that is drift, however quickly it follows.
     */
    void remediated(String policy, Finding finding) {
        Known known = byPolicy.get(policy);
        if (known != null) {
            known.results().put(finding.key(), Result.PASS);
        }
    }

    void forget(String policy) {
        byPolicy.remove(policy);
    }
}

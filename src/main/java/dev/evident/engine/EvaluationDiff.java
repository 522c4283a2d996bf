package dev.evident.engine;

import java.util.List;

/**
 * How an evaluation differs from the one before it, for consumers that keep state per finding (drift, evidence,
 * reports) and would otherwise compare every finding on every event. {@code removed} are the previous evaluation's
 * findings that were replaced, {@code added} the ones that replaced them (many may be equal: a re-judged namespace
 * yields all its findings again); every other finding is the same object in both. A full diff (no previous) says
 * "compare everything".
 *
 * <p>A consumer applies a diff only when the evaluation it consumed last is {@code previous} itself; otherwise (it
 * missed one, or this is its first) it compares the whole evaluation.
 */
public record EvaluationDiff(PolicyEvaluation previous, List<Finding> removed, List<Finding> added) {
    private static final EvaluationDiff FULL = new EvaluationDiff(null, List.of(), List.of());

    public static EvaluationDiff full() {
        return FULL;
    }

    /** Whether this diff leads from the evaluation a consumer saw last (the same instance) to the next. */
    public boolean follows(PolicyEvaluation seen) {
        return previous != null && previous == seen;
    }
}

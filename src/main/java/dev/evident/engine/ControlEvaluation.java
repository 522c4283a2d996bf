package dev.evident.engine;

import dev.evident.api.v1alpha1.Mode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * The findings of one control of a policy, with the mode and criteria in force for it. The tally (counts per
 * result, the failures in order, the earliest timed change) is kept beside the findings so that status, metrics
 * and remediation read it without a pass over every finding; an incremental evaluation carries it forward by the
 * findings it replaced.
 */
public record ControlEvaluation(String id, String type, Mode mode, List<String> criteria, List<Finding> findings, Tally tally) {

    public ControlEvaluation(String id, String type, Mode mode, List<String> criteria, List<Finding> findings) {
        this(id, type, mode, criteria, findings, Tally.of(findings));
    }

    public long count(Result result) {
        return tally.count(result);
    }

    /** The failing findings, in the order of {@link #findings()}. */
    public List<Finding> failures() {
        return tally.failures();
    }

    /**
     * Counts per result (indexed by ordinal), the failing findings in order, and the earliest instant a finding
     * changes by time alone (null when none does).
     */
    public record Tally(List<Long> counts, List<Finding> failures, Instant changesAt) {

        public static Tally of(List<Finding> findings) {
            long[] counts = new long[Result.values().length];
            List<Finding> failures = new ArrayList<>();
            Instant earliest = null;
            for (Finding f : findings) {
                counts[f.result().ordinal()]++;
                if (f.result() == Result.FAIL) {
                    failures.add(f);
                }
                earliest = earlier(earliest, f.changesAt());
            }
            return new Tally(counts, failures, earliest);
        }

        /**
         * The tally of findings, which are these tally's findings with removed taken out and added put in; failures
         * must come already merged in order. Counts move by the difference; only when a removed finding held the
         * earliest timed change is findings scanned again for the next one.
         */
        public Tally replacing(List<Finding> removed, List<Finding> added, List<Finding> findings, List<Finding> failures) {
            long[] next = new long[counts.size()];
            for (int i = 0; i < next.length; i++) {
                next[i] = counts.get(i);
            }
            boolean earliestRemoved = false;
            for (Finding f : removed) {
                next[f.result().ordinal()]--;
                earliestRemoved |= changesAt != null && changesAt.equals(f.changesAt());
            }
            added.forEach(f -> next[f.result().ordinal()]++);
            Instant earliest = earliestRemoved ? null : changesAt;
            for (Finding f : earliestRemoved ? findings : added) {
                earliest = earlier(earliest, f.changesAt());
            }
            return new Tally(next, failures, earliest);
        }

        private Tally(long[] counts, List<Finding> failures, Instant changesAt) {
            this(Arrays.stream(counts).boxed().toList(), Collections.unmodifiableList(failures), changesAt);
        }

        public long count(Result result) {
            return counts.get(result.ordinal());
        }

        static Instant earlier(Instant a, Instant b) {
            return b == null || a != null && !b.isBefore(a) ? a : b;
        }
    }
}

package dev.evident.cli;

import dev.evident.api.v1alpha1.ControlPolicy;
import dev.evident.api.v1alpha1.Mode;
import dev.evident.engine.Finding;
import dev.evident.engine.PolicyEvaluation;
import dev.evident.engine.Result;
import dev.evident.engine.Snapshot;
import dev.evident.exceptions.ExceptionOutcome;
import java.util.Collection;
import java.util.List;

/**
 * What an audit found: each policy with the file it came from and its evaluation, how many inputs could not be
 * evaluated (each named on stderr), and the snapshot it was evaluated over (for reports that look at the objects
 * themselves, such as the access review; may be null).
 */
public record AuditReport(List<Audited> policies, int notEvaluated, Snapshot snapshot) {

    public AuditReport(List<Audited> policies, int notEvaluated) {
        this(policies, notEvaluated, null);
    }

    public record Audited(Manifest source, ControlPolicy policy, PolicyEvaluation evaluation) {
        public String name() {
            return evaluation.policy();
        }

        public Mode mode() {
            return policy.getSpec() == null || policy.getSpec().getMode() == null ? Mode.Audit : policy.getSpec().getMode();
        }
    }

    /** Counts by result. */
    public record Totals(long pass, long fail, long excepted, long notApplicable, long error) {
        public static Totals of(Collection<Finding> findings) {
            return new Totals(count(findings, Result.PASS), count(findings, Result.FAIL), count(findings, Result.EXCEPTED),
                    count(findings, Result.NOT_APPLICABLE), count(findings, Result.ERROR));
        }

        private static long count(Collection<Finding> findings, Result result) {
            return findings.stream().filter(f -> f.result() == result).count();
        }

        public long all() {
            return pass + fail + excepted + notApplicable + error;
        }

        @Override
        public String toString() {
            return pass + " pass, " + fail + " fail, " + excepted + " excepted, " + notApplicable + " notApplicable, " + error + " error";
        }
    }

    /** The ControlExceptions of the input, by policy, with what each did (Active, Expired; unused when Active and covering nothing). */
    public List<ExceptionOutcome> exceptions() {
        return policies.stream().flatMap(p -> p.evaluation().exceptions().stream()).toList();
    }

    public List<Finding> findings() {
        return policies.stream().flatMap(p -> p.evaluation().findings().stream()).toList();
    }

    public Totals totals() {
        return Totals.of(findings());
    }

    /** Exit code 1: at least one finding is fail or error. */
    public boolean hasProblems() {
        return findings().stream().anyMatch(f -> f.result().isProblem());
    }
}

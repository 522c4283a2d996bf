package dev.evident.engine;

import java.util.List;

/**
 * The outcome of evaluating one policy. A policy with {@code problems} is invalid and was not evaluated:
 * it has no controls and no findings.
 */
public record PolicyEvaluation(String policy, String specHash, List<String> problems, List<ControlEvaluation> controls) {

    public boolean valid() {
        return problems.isEmpty();
    }

    public List<Finding> findings() {
        return controls.stream().flatMap(c -> c.findings().stream()).toList();
    }

    public long count(Result result) {
        return controls.stream().mapToLong(c -> c.count(result)).sum();
    }

    /** compliant / (compliant + violating) x 100, one decimal; 100 when nothing was judged. */
    public double score() {
        long pass = count(Result.PASS);
        long fail = count(Result.FAIL);
        return pass + fail == 0 ? 100.0 : Math.round(pass * 1000.0 / (pass + fail)) / 10.0;
    }
}

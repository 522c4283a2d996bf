package dev.evident.engine;

import dev.evident.exceptions.ExceptionOutcome;
import dev.evident.exceptions.ExceptionState;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The outcome of evaluating one policy. A policy with {@code problems} is invalid and was not evaluated:
 * it has no controls and no findings. {@code exceptions} are the ControlExceptions naming the policy, with
 * what each did to these findings.
 */
public record PolicyEvaluation(String policy, String specHash, List<String> problems, List<ControlEvaluation> controls,
                               List<ExceptionOutcome> exceptions) {

    public PolicyEvaluation(String policy, String specHash, List<String> problems, List<ControlEvaluation> controls) {
        this(policy, specHash, problems, controls, List.of());
    }

    public boolean valid() {
        return problems.isEmpty();
    }

    public List<Finding> findings() {
        return controls.stream().flatMap(c -> c.findings().stream()).toList();
    }

    /** The failing findings, in the order of {@link #findings()}. */
    public List<Finding> failures() {
        return controls.stream().flatMap(c -> c.failures().stream()).toList();
    }

    public long count(Result result) {
        return controls.stream().mapToLong(c -> c.count(result)).sum();
    }

    /**
     * compliant / (compliant + violating) x 100, one decimal; null when no finding passed or failed (nothing
     * selected, or everything excepted or not applicable): an empty selection is not a compliant one.
     */
    public Double score() {
        long pass = count(Result.PASS);
        long fail = count(Result.FAIL);
        return pass + fail == 0 ? null : Math.round(pass * 1000.0 / (pass + fail)) / 10.0;
    }

    /** A valid policy that judged no object at all: its selection is empty (or wholly not applicable). */
    public boolean nothingJudged() {
        return valid() && count(Result.PASS) + count(Result.FAIL) + count(Result.EXCEPTED) + count(Result.ERROR) == 0;
    }

    /**
     * The earliest instant a finding changes by the passage of time alone (see {@link Finding#changesAt()}), or
     * an Active exception expires (even one that covers nothing: its own state changes then).
     */
    public Optional<Instant> changesAt() {
        return Stream.concat(controls.stream().map(c -> c.tally().changesAt()),
                        exceptions.stream().filter(e -> e.state() == ExceptionState.Active).map(ExceptionOutcome::expiresAt))
                .filter(Objects::nonNull).min(Instant::compareTo);
    }
}

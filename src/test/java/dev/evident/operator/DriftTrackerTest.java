package dev.evident.operator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.evident.api.v1alpha1.Mode;
import dev.evident.engine.ControlEvaluation;
import dev.evident.engine.EvaluationDiff;
import dev.evident.engine.Finding;
import dev.evident.engine.ObjectRef;
import dev.evident.engine.PolicyEvaluation;
import dev.evident.engine.Result;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class DriftTrackerTest {
    private static final Instant T0 = Instant.parse("2026-11-23T12:00:00Z");
    private final DriftTracker tracker = new DriftTracker();

    private static Finding finding(String namespace, Result result) {
        return new Finding("p", "NET-001", "NetworkDefaultDeny", List.of("CC6.6"), ObjectRef.namespace(namespace), result, "R", "m", null);
    }

    private DriftTracker.Changes update(String specHash, List<Finding> findings, Instant at) {
        return tracker.update("p", evaluation(specHash, findings), EvaluationDiff.full(), at);
    }

    private static PolicyEvaluation evaluation(String specHash, List<Finding> findings) {
        return new PolicyEvaluation("p", specHash, List.of(), List.of(new ControlEvaluation("NET-001", "NetworkDefaultDeny", Mode.Enforce,
                List.of("CC6.6"), findings)));
    }

    private static List<String> names(List<Finding> findings) {
        return findings.stream().map(f -> f.object().name()).toList();
    }

    @Test
    void firstEvaluationIsABaselineThenPassToFailIsDrift() {
        var first = update("h1", List.of(finding("a", Result.FAIL), finding("b", Result.PASS)), T0);
        assertThat(first.firstEvaluation()).isTrue();
        assertThat(first.drifted()).isEmpty();
        assertThat(first.newViolations()).isEmpty();

        var second = update("h1", List.of(finding("a", Result.FAIL), finding("b", Result.FAIL)), T0);
        assertThat(second.firstEvaluation()).isFalse();
        assertThat(names(second.drifted())).containsExactly("b");
        assertThat(second.newViolations()).isEmpty();
    }

    @Test
    void anObjectFailingWhenFirstSeenIsANewViolationNotDrift() {
        update("h1", List.of(finding("a", Result.PASS)), T0);
        var changes = update("h1", List.of(finding("a", Result.PASS), finding("new-ns", Result.FAIL)), T0);
        assertThat(changes.drifted()).isEmpty();
        assertThat(names(changes.newViolations())).containsExactly("new-ns");
        // Still failing later: neither drift nor new.
        var later = update("h1", List.of(finding("a", Result.PASS), finding("new-ns", Result.FAIL)), T0);
        assertThat(later.drifted()).isEmpty();
        assertThat(later.newViolations()).isEmpty();
    }

    @Test
    void failingAfterNotApplicableOrErrorIsNotDrift() {
        update("h1", List.of(finding("a", Result.NOT_APPLICABLE), finding("b", Result.ERROR)), T0);
        var changes = update("h1", List.of(finding("a", Result.FAIL), finding("b", Result.FAIL)), T0);
        assertThat(changes.drifted()).isEmpty();
        assertThat(names(changes.newViolations())).containsExactly("a", "b");
    }

    @Test
    void aWaiverLapsingIsNeitherDriftNorANewViolation() {
        update("h1", List.of(finding("legacy", Result.EXCEPTED)), T0);
        var changes = update("h1", List.of(finding("legacy", Result.FAIL)), T0);
        assertThat(changes.drifted()).isEmpty();
        assertThat(changes.newViolations()).as("a known violation, waived until now (ExceptionExpired says so)").isEmpty();
    }

    @Test
    void aFailAfterARemediationIsDriftEvenUnseenInBetween() {
        update("h1", List.of(finding("a", Result.FAIL)), T0);
        tracker.remediated("p", finding("a", Result.FAIL), Result.PASS, T0);
        assertThat(names(update("h1", List.of(finding("a", Result.FAIL)), T0).drifted())).containsExactly("a");
    }

    @Test
    void aRemediationStillWaitingOnAnotherControllerIsNotCountedAsCompliant() {
        update("h1", List.of(finding("a", Result.FAIL)), T0);
        tracker.remediated("p", finding("a", Result.FAIL), Result.FAIL, T0);
        var changes = update("h1", List.of(finding("a", Result.FAIL)), T0);
        assertThat(changes.drifted()).isEmpty();
        assertThat(changes.newViolations()).isEmpty();
    }

    @Test
    void aNewSpecVersionStartsAfresh() {
        update("h1", List.of(finding("a", Result.PASS)), T0);
        var changes = update("h2", List.of(finding("a", Result.FAIL)), T0);
        assertThat(changes.firstEvaluation()).isTrue();
        assertThat(changes.drifted()).isEmpty();
    }

    @Test
    void timeToRemediateRunsFromWhenEvidentFirstSawTheFailure() {
        update("h1", List.of(finding("a", Result.PASS)), T0);
        update("h1", List.of(finding("a", Result.FAIL)), T0.plusSeconds(10));
        update("h1", List.of(finding("a", Result.FAIL)), T0.plusSeconds(20));
        assertThat(tracker.remediated("p", finding("a", Result.FAIL), Result.PASS, T0.plusSeconds(25))).contains(Duration.ofSeconds(15));
        // Still waiting on another controller: no repair time yet.
        update("h1", List.of(finding("a", Result.FAIL)), T0.plusSeconds(30));
        assertThat(tracker.remediated("p", finding("a", Result.FAIL), Result.FAIL, T0.plusSeconds(31))).isEmpty();
    }

    /**
     * Applying each evaluation's diff gives what comparing every finding gives, over random sequences of results
     * (seeded), with remediations in between and an evaluation the tracker missed (then it compares everything).
     */
    @Test
    void aDiffGivesWhatComparingEverythingGives() {
        for (long seed = 1; seed <= 30; seed++) {
            java.util.Random random = new java.util.Random(seed);
            DriftTracker byDiff = new DriftTracker();
            DriftTracker whole = new DriftTracker();
            List<Finding> findings = new java.util.ArrayList<>();
            for (int i = 0; i < 20; i++) {
                findings.add(finding(String.format("ns-%02d", i), Result.values()[random.nextInt(Result.values().length)]));
            }
            PolicyEvaluation previous = evaluation("h1", findings);
            byDiff.update("p", previous, EvaluationDiff.full(), T0);
            whole.update("p", previous, EvaluationDiff.full(), T0);
            for (int step = 1; step <= 40; step++) {
                Instant at = T0.plusSeconds(step);
                List<Finding> next = new java.util.ArrayList<>(findings);
                List<Finding> removed = new java.util.ArrayList<>();
                List<Finding> added = new java.util.ArrayList<>();
                for (int i = next.size() - 1; i >= 0; i--) {
                    if (random.nextInt(4) == 0) {
                        removed.add(0, next.get(i));
                        if (random.nextInt(5) == 0) {
                            next.remove(i); // the object went
                        } else {
                            next.set(i, finding(next.get(i).object().name(), Result.values()[random.nextInt(Result.values().length)]));
                            added.add(0, next.get(i));
                        }
                    }
                }
                if (random.nextInt(6) == 0 && !next.isEmpty()) {
                    Finding f = next.get(random.nextInt(next.size()));
                    byDiff.remediated("p", f, Result.PASS, at);
                    whole.remediated("p", f, Result.PASS, at);
                }
                PolicyEvaluation evaluation = evaluation("h1", next);
                // Now and then the tracker misses an evaluation: the next diff does not follow what it saw.
                boolean missed = random.nextInt(10) == 0;
                EvaluationDiff diff = new EvaluationDiff(missed ? evaluation("h1", findings) : previous, removed, added);
                DriftTracker.Changes a = byDiff.update("p", evaluation, diff, at);
                DriftTracker.Changes b = whole.update("p", evaluation, EvaluationDiff.full(), at);
                assertThat(a).as("seed %d step %d", seed, step).isEqualTo(b);
                assertThat(byDiff.remediated("p", next.isEmpty() ? finding("none", Result.FAIL) : next.get(0), next.isEmpty() ? Result.FAIL
                        : next.get(0).result(), at)).isEqualTo(whole.remediated("p", next.isEmpty() ? finding("none", Result.FAIL) : next.get(0),
                        next.isEmpty() ? Result.FAIL : next.get(0).result(), at));
                findings = next;
                previous = evaluation;
            }
        }
    }
}

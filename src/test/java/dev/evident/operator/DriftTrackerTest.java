package dev.evident.operator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.evident.engine.Finding;
import dev.evident.engine.ObjectRef;
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

    private static List<String> names(List<Finding> findings) {
        return findings.stream().map(f -> f.object().name()).toList();
    }

    @Test
    void firstEvaluationIsABaselineThenPassToFailIsDrift() {
        var first = tracker.update("p", "h1", List.of(finding("a", Result.FAIL), finding("b", Result.PASS)), T0);
        assertThat(first.firstEvaluation()).isTrue();
        assertThat(first.drifted()).isEmpty();
        assertThat(first.newViolations()).isEmpty();

        var second = tracker.update("p", "h1", List.of(finding("a", Result.FAIL), finding("b", Result.FAIL)), T0);
        assertThat(second.firstEvaluation()).isFalse();
        assertThat(names(second.drifted())).containsExactly("b");
        assertThat(second.newViolations()).isEmpty();
    }

    @Test
    void anObjectFailingWhenFirstSeenIsANewViolationNotDrift() {
        tracker.update("p", "h1", List.of(finding("a", Result.PASS)), T0);
        var changes = tracker.update("p", "h1", List.of(finding("a", Result.PASS), finding("new-ns", Result.FAIL)), T0);
        assertThat(changes.drifted()).isEmpty();
        assertThat(names(changes.newViolations())).containsExactly("new-ns");
        // Still failing later: neither drift nor new.
        var later = tracker.update("p", "h1", List.of(finding("a", Result.PASS), finding("new-ns", Result.FAIL)), T0);
        assertThat(later.drifted()).isEmpty();
        assertThat(later.newViolations()).isEmpty();
    }

    @Test
    void failingAfterNotApplicableOrErrorIsNotDrift() {
        tracker.update("p", "h1", List.of(finding("a", Result.NOT_APPLICABLE), finding("b", Result.ERROR)), T0);
        var changes = tracker.update("p", "h1", List.of(finding("a", Result.FAIL), finding("b", Result.FAIL)), T0);
        assertThat(changes.drifted()).isEmpty();
        assertThat(names(changes.newViolations())).containsExactly("a", "b");
    }

    @Test
    void aWaiverLapsingIsNeitherDriftNorANewViolation() {
        tracker.update("p", "h1", List.of(finding("legacy", Result.EXCEPTED)), T0);
        var changes = tracker.update("p", "h1", List.of(finding("legacy", Result.FAIL)), T0);
        assertThat(changes.drifted()).isEmpty();
        assertThat(changes.newViolations()).as("a known violation, waived until now (ExceptionExpired says so)").isEmpty();
    }

    @Test
    void aFailAfterARemediationIsDriftEvenUnseenInBetween() {
        tracker.update("p", "h1", List.of(finding("a", Result.FAIL)), T0);
        tracker.remediated("p", finding("a", Result.FAIL), Result.PASS, T0);
        assertThat(names(tracker.update("p", "h1", List.of(finding("a", Result.FAIL)), T0).drifted())).containsExactly("a");
    }

    @Test
    void aRemediationStillWaitingOnAnotherControllerIsNotCountedAsCompliant() {
        tracker.update("p", "h1", List.of(finding("a", Result.FAIL)), T0);
        tracker.remediated("p", finding("a", Result.FAIL), Result.FAIL, T0);
        var changes = tracker.update("p", "h1", List.of(finding("a", Result.FAIL)), T0);
        assertThat(changes.drifted()).isEmpty();
        assertThat(changes.newViolations()).isEmpty();
    }

    @Test
    void aNewSpecVersionStartsAfresh() {
        tracker.update("p", "h1", List.of(finding("a", Result.PASS)), T0);
        var changes = tracker.update("p", "h2", List.of(finding("a", Result.FAIL)), T0);
        assertThat(changes.firstEvaluation()).isTrue();
        assertThat(changes.drifted()).isEmpty();
    }

    @Test
    void timeToRemediateRunsFromWhenEvidentFirstSawTheFailure() {
        tracker.update("p", "h1", List.of(finding("a", Result.PASS)), T0);
        tracker.update("p", "h1", List.of(finding("a", Result.FAIL)), T0.plusSeconds(10));
        tracker.update("p", "h1", List.of(finding("a", Result.FAIL)), T0.plusSeconds(20));
        assertThat(tracker.remediated("p", finding("a", Result.FAIL), Result.PASS, T0.plusSeconds(25))).contains(Duration.ofSeconds(15));
        // Still waiting on another controller: no repair time yet.
        tracker.update("p", "h1", List.of(finding("a", Result.FAIL)), T0.plusSeconds(30));
        assertThat(tracker.remediated("p", finding("a", Result.FAIL), Result.FAIL, T0.plusSeconds(31))).isEmpty();
    }
}

package dev.evident.operator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.evident.engine.Finding;
import dev.evident.engine.ObjectRef;
import dev.evident.engine.Result;
import java.util.List;
import org.junit.jupiter.api.Test;

class DriftTrackerTest {
    private final DriftTracker tracker = new DriftTracker();

    private static Finding finding(String namespace, Result result) {
        return new Finding("p", "NET-001", "NetworkDefaultDeny", List.of("CC6.6"), ObjectRef.namespace(namespace), result, "R", "m", null);
    }

    private static List<String> names(List<Finding> findings) {
        return findings.stream().map(f -> f.object().name()).toList();
    }

    @Test
    void firstEvaluationIsABaselineThenPassToFailIsDrift() {
        var first = tracker.update("p", "h1", List.of(finding("a", Result.FAIL), finding("b", Result.PASS)));
        assertThat(first.firstEvaluation()).isTrue();
        assertThat(first.drifted()).isEmpty();
        assertThat(first.newViolations()).isEmpty();

        var second = tracker.update("p", "h1", List.of(finding("a", Result.FAIL), finding("b", Result.FAIL)));
        assertThat(second.firstEvaluation()).isFalse();
        assertThat(names(second.drifted())).containsExactly("b");
        assertThat(second.newViolations()).isEmpty();
    }

    @Test
    void anObjectFailingWhenFirstSeenIsANewViolationNotDrift() {
        tracker.update("p", "h1", List.of(finding("a", Result.PASS)));
        var changes = tracker.update("p", "h1", List.of(finding("a", Result.PASS), finding("new-ns", Result.FAIL)));
        assertThat(changes.drifted()).isEmpty();
        assertThat(names(changes.newViolations())).containsExactly("new-ns");
        // Still failing later: neither drift nor new.
        var later = tracker.update("p", "h1", List.of(finding("a", Result.PASS), finding("new-ns", Result.FAIL)));
        assertThat(later.drifted()).isEmpty();
        assertThat(later.newViolations()).isEmpty();
    }

    @Test
    void failingAfterNotApplicableOrErrorIsNotDrift() {
        tracker.update("p", "h1", List.of(finding("a", Result.NOT_APPLICABLE), finding("b", Result.ERROR)));
        var changes = tracker.update("p", "h1", List.of(finding("a", Result.FAIL), finding("b", Result.FAIL)));
        assertThat(changes.drifted()).isEmpty();
        assertThat(names(changes.newViolations())).containsExactly("a", "b");
    }

    @Test
    void aFailAfterARemediationIsDriftEvenUnseenInBetween() {
        tracker.update("p", "h1", List.of(finding("a", Result.FAIL)));
        tracker.remediated("p", finding("a", Result.FAIL), Result.PASS);
        assertThat(names(tracker.update("p", "h1", List.of(finding("a", Result.FAIL))).drifted())).containsExactly("a");
    }

    @Test
    void aRemediationStillWaitingOnAnotherControllerIsNotCountedAsCompliant() {
        tracker.update("p", "h1", List.of(finding("a", Result.FAIL)));
        tracker.remediated("p", finding("a", Result.FAIL), Result.FAIL);
        var changes = tracker.update("p", "h1", List.of(finding("a", Result.FAIL)));
        assertThat(changes.drifted()).isEmpty();
        assertThat(changes.newViolations()).isEmpty();
    }

    @Test
    void aNewSpecVersionStartsAfresh() {
        tracker.update("p", "h1", List.of(finding("a", Result.PASS)));
        var changes = tracker.update("p", "h2", List.of(finding("a", Result.FAIL)));
        assertThat(changes.firstEvaluation()).isTrue();
        assertThat(changes.drifted()).isEmpty();
    }
}

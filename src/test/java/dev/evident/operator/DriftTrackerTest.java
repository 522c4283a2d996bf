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

    @Test
    void firstEvaluationIsABaselineThenPassToFailIsDrift() {
        var first = tracker.update("p", "h1", List.of(finding("a", Result.FAIL), finding("b", Result.PASS)));
        assertThat(first.firstEvaluation()).isTrue();
        assertThat(first.failing()).extracting(f -> f.object().name()).containsExactly("a");

        var second = tracker.update("p", "h1", List.of(finding("a", Result.FAIL), finding("b", Result.FAIL)));
        assertThat(second.firstEvaluation()).isFalse();
        assertThat(second.failing()).extracting(f -> f.object().name()).containsExactly("b");
    }

    @Test
    void aFailAfterARemediationIsDriftEvenUnseenInBetween() {
        tracker.update("p", "h1", List.of(finding("a", Result.FAIL)));
        tracker.remediated("p", finding("a", Result.FAIL));
        assertThat(tracker.update("p", "h1", List.of(finding("a", Result.FAIL))).failing()).hasSize(1);
    }

    @Test
    void aNewSpecVersionStartsAfresh() {
        tracker.update("p", "h1", List.of(finding("a", Result.PASS)));
        assertThat(tracker.update("p", "h2", List.of(finding("a", Result.FAIL))).firstEvaluation()).isTrue();
    }
}

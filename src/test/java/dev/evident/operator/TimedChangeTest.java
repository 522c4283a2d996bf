package dev.evident.operator;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The reconciler wakes when a finding changes by time alone, not at the next resync. */
class TimedChangeTest {
    private static final Instant NOW = Instant.parse("2026-11-24T12:00:00Z");
    private static final Duration RESYNC = Duration.ofMinutes(10);

    @Test
    void wakesJustAfterTheInstantAVerdictChanges() {
        assertThat(ControlPolicyReconciler.soonerForChange(NOW, Optional.of(NOW.plusSeconds(90)), RESYNC)).isEqualTo(Duration.ofMillis(90_010));
    }

    @Test
    void aChangeAfterTheNextWakeOrNoneKeepsIt() {
        assertThat(ControlPolicyReconciler.soonerForChange(NOW, Optional.of(NOW.plus(Duration.ofHours(2))), RESYNC)).isEqualTo(RESYNC);
        assertThat(ControlPolicyReconciler.soonerForChange(NOW, Optional.empty(), RESYNC)).isEqualTo(RESYNC);
    }

    @Test
    void anInstantAlreadyPastWakesAtOnce() {
        assertThat(ControlPolicyReconciler.soonerForChange(NOW, Optional.of(NOW.minusSeconds(1)), RESYNC)).isEqualTo(Duration.ofMillis(10));
    }
}

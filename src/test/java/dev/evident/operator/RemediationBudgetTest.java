package dev.evident.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class RemediationBudgetTest {
    /** A clock the test moves by hand. */
    static final class ManualClock extends Clock {
        private Instant now = Instant.parse("2026-11-23T12:00:00Z");

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    @Test
    void allowsABurstThenRefillsAtTheRate() {
        ManualClock clock = new ManualClock();
        RemediationBudget budget = new RemediationBudget(clock, 5);
        for (int i = 0; i < 5; i++) {
            assertThat(budget.tryAcquire()).as("burst write %d", i).isTrue();
        }
        assertThat(budget.tryAcquire()).isFalse();
        assertThat(budget.untilNext()).isEqualTo(Duration.ofMillis(200));

        clock.advance(Duration.ofMillis(200));
        assertThat(budget.tryAcquire()).isTrue();
        assertThat(budget.tryAcquire()).isFalse();

        clock.advance(Duration.ofHours(1));
        int granted = 0;
        while (budget.tryAcquire()) {
            granted++;
        }
        assertThat(granted).as("the bucket never holds more than one second of writes").isEqualTo(5);
    }

    @Test
    void rateMustBePositive() {
        assertThatThrownBy(() -> new RemediationBudget(new ManualClock(), 0))
                .hasMessageContaining("evident.remediation.max-per-second");
    }
}

package dev.evident.operator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.evident.api.v1alpha1.ControlPolicyStatus;
import dev.evident.api.v1alpha1.Violations;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class StatusPaceTest {
    private static final Instant T0 = Instant.parse("2026-11-24T09:00:00Z");
    private final StatusPace pace = new StatusPace();

    private static ControlPolicyStatus status(String reason, int violations) {
        ControlPolicyStatus s = new ControlPolicyStatus();
        s.setObservedGeneration(1L);
        s.setSpecHash("sha256:a");
        s.setConditions(List.of(new ConditionBuilder().withType("Compliant").withStatus(violations == 0 ? "True" : "False").withReason(reason).build()));
        Violations v = new Violations();
        v.setTotal(violations);
        s.setViolations(v);
        return s;
    }

    @Test
    void countsAloneWaitForTheIntervalAVerdictDoesNot() {
        assertThat(pace.delay("p", null, status("Remediating", 500), T0)).as("first status").isZero();
        pace.wrote("p", T0);
        assertThat(pace.delay("p", status("Remediating", 500), status("Remediating", 480), T0.plusMillis(500)))
                .isEqualTo(Duration.ofMillis(1500));
        assertThat(pace.delay("p", status("Remediating", 500), status("Remediating", 460), T0.plusSeconds(2))).isZero();
        assertThat(pace.delay("p", status("Remediating", 1), status("NoViolations", 0), T0.plusMillis(100)))
                .as("the verdict changed").isZero();
        pace.forget("p");
        assertThat(pace.delay("p", status("Remediating", 500), status("Remediating", 480), T0.plusMillis(100))).isZero();
    }
}

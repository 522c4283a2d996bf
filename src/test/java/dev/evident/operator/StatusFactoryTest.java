package dev.evident.operator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.evident.api.v1alpha1.ControlPolicy;
import dev.evident.api.v1alpha1.Mode;
import dev.evident.engine.Fixtures;
import dev.evident.engine.PolicyEvaluation;
import io.fabric8.kubernetes.api.model.Condition;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StatusFactoryTest {
    private final StatusFactory factory = new StatusFactory(new RemediationBudgetTest.ManualClock(), Duration.ofMinutes(10));
    private final ControlPolicy policy = Fixtures.policy("p", Mode.Audit, Fixtures.podSecurityLevel("PSS-001", "baseline"));
    private final PolicyEvaluation evaluation = Fixtures.evaluate(policy, Fixtures.namespace("web"));

    private static Condition condition(dev.evident.api.v1alpha1.ControlPolicyStatus status, String type) {
        return status.getConditions().stream().filter(c -> type.equals(c.getType())).findFirst().orElseThrow();
    }

    @Test
    void anEvidenceLogThatCannotBeWrittenDegradesReady() {
        var status = factory.evaluated(policy, evaluation, Map.of(), RemediationOutcome.NONE, "No space left on device");
        Condition ready = condition(status, "Ready");
        assertThat(ready.getStatus()).isEqualTo("False");
        assertThat(ready.getReason()).isEqualTo("EvidenceWriteFailed");
        assertThat(ready.getMessage()).contains("No space left on device", "queued and retried");
    }

    @Test
    void aWritableEvidenceLogLeavesReadyAlone() {
        var status = factory.evaluated(policy, evaluation, Map.of(), RemediationOutcome.NONE, null);
        assertThat(condition(status, "Ready").getStatus()).isEqualTo("True");
        assertThat(condition(status, "Ready").getReason()).isEqualTo("Evaluated");
    }
}

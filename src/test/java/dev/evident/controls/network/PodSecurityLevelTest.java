package dev.evident.controls.network;

import static dev.evident.engine.Fixtures.evaluate;
import static dev.evident.engine.Fixtures.namespace;
import static dev.evident.engine.Fixtures.podSecurityLevel;
import static dev.evident.engine.Fixtures.policy;
import static org.assertj.core.api.Assertions.assertThat;

import dev.evident.api.v1alpha1.Mode;
import dev.evident.engine.Finding;
import dev.evident.engine.Labels;
import dev.evident.engine.Remediation;
import dev.evident.engine.Result;
import io.fabric8.kubernetes.api.model.Namespace;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PodSecurityLevelTest {

    private static Finding judge(String required, Map<String, String> labels) {
        var evaluation = evaluate(policy("p", Mode.Enforce, podSecurityLevel("PSS-001", required)), namespace("team", labels));
        assertThat(evaluation.findings()).hasSize(1);
        return evaluation.findings().get(0);
    }

    @Test
    void equalOrHigherLevelPasses() {
        assertThat(judge("baseline", Map.of(Labels.PSS_ENFORCE, "baseline")).result()).isEqualTo(Result.PASS);
        Finding higher = judge("baseline", Map.of(Labels.PSS_ENFORCE, "restricted"));
        assertThat(higher.result()).isEqualTo(Result.PASS);
        assertThat(higher.reason()).isEqualTo("LevelSufficient");
        assertThat(higher.remediation()).isNull();
        assertThat(higher.criteria()).containsExactly("CC6.8");
    }

    @Test
    void lowerLevelFails() {
        Finding f = judge("restricted", Map.of(Labels.PSS_ENFORCE, "baseline"));
        assertThat(f.result()).isEqualTo(Result.FAIL);
        assertThat(f.reason()).isEqualTo("LevelTooLow");
        assertThat(judge("baseline", Map.of(Labels.PSS_ENFORCE, "privileged")).reason()).isEqualTo("LevelTooLow");
    }

    @Test
    void missingLabelFails() {
        Finding f = judge("baseline", Map.of("team", "a"));
        assertThat(f.reason()).isEqualTo("LabelMissing");
        assertThat(f.message()).contains("baseline required");
    }

    @Test
    void unknownValueFails() {
        Finding f = judge("baseline", Map.of(Labels.PSS_ENFORCE, "Restricted"));
        assertThat(f.result()).isEqualTo(Result.FAIL);
        assertThat(f.reason()).isEqualTo("LabelInvalid");
    }

    @Test
    void planSetsOnlyTheEnforceLabelWithItsOwnFieldManager() {
        Remediation.Apply plan = (Remediation.Apply) judge("restricted", Map.of("team", "a", Labels.PSS_ENFORCE, "baseline")).remediation();
        assertThat(plan.fieldManager()).isEqualTo(PodSecurityLevel.FIELD_MANAGER).isNotEqualTo(Remediation.FIELD_MANAGER);
        Namespace desired = (Namespace) plan.desired();
        assertThat(desired.getMetadata().getName()).isEqualTo("team");
        assertThat(desired.getMetadata().getLabels()).containsExactly(Map.entry(Labels.PSS_ENFORCE, "restricted"));
        assertThat(desired.getMetadata().getAnnotations()).isNullOrEmpty();
        assertThat(desired.getSpec()).isNull();
        assertThat(plan.summary()).isEqualTo("label Namespace team pod-security.kubernetes.io/enforce=restricted");
    }
}

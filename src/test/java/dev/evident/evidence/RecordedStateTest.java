package dev.evident.evidence;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.evident.api.v1alpha1.ControlPolicy;
import dev.evident.api.v1alpha1.Mode;
import dev.evident.engine.Fixtures;
import dev.evident.engine.PolicyEvaluation;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Finding records from the state of the log: changes only, and removals that repeat what the last record said. */
class RecordedStateTest {
    private final ControlPolicy policy = Fixtures.policy("p", Mode.Audit, Fixtures.podSecurityLevel("PSS-001", "restricted"));

    private static List<ObjectNode> applied(RecordedState state, List<ObjectNode> records) {
        records.forEach(r -> state.apply(new EvidenceRecord(0, "t", RecordTypes.FINDING, r, null, null)));
        return records;
    }

    @Test
    void onlyChangesAreRecordedAndAGoneFindingIsRemovedWithWhatItsLastRecordSaid() {
        RecordedState state = new RecordedState();
        PolicyEvaluation both = Fixtures.evaluate(policy, Fixtures.namespace("web"),
                Fixtures.namespace("shop", Map.of("pod-security.kubernetes.io/enforce", "restricted")));
        assertThat(applied(state, state.findingChanges(both))).extracting(r -> r.path("result").asText()).containsExactly("pass", "fail");
        assertThat(state.findingChanges(both)).as("nothing changed").isEmpty();

        PolicyEvaluation webOnly = Fixtures.evaluate(policy, Fixtures.namespace("web"));
        List<ObjectNode> changes = applied(state, state.findingChanges(webOnly));
        assertThat(changes).hasSize(1);
        ObjectNode removed = changes.get(0);
        assertThat(removed.path("result").asText()).isEqualTo(EvidenceData.REMOVED);
        assertThat(removed.path("previous").asText()).isEqualTo("pass");
        assertThat(removed.path("reason").asText()).isEqualTo("NoLongerEvaluated");
        assertThat(removed.has("message")).isFalse();
        ObjectNode lastOfShop = (ObjectNode) both.findings().stream().filter(f -> "shop".equals(f.object().name())).findFirst()
                .map(f -> EvidenceData.finding(f, f.result().wire(), null)).orElseThrow();
        for (String field : List.of("policy", "control", "controlType", "criteria", "kind", "namespace", "name")) {
            assertThat(removed.get(field)).as(field).isEqualTo(lastOfShop.get(field));
        }
        assertThat(state.findingChanges(webOnly)).isEmpty();
    }

    @Test
    void resumedFromTheLogItRemovesTheSameAndADeletedPolicyRemovesEverything() {
        RecordedState live = new RecordedState();
        PolicyEvaluation evaluation = Fixtures.evaluate(policy, Fixtures.namespace("web"), Fixtures.namespace("shop"));
        List<ObjectNode> records = applied(live, live.findingChanges(evaluation));
        RecordedState resumed = new RecordedState();
        applied(resumed, records.stream().map(r -> (ObjectNode) EvidenceRecord.JSON.valueToTree(r)).toList());
        assertThat(resumed.removals("p")).isEqualTo(live.removals("p")).hasSize(2)
                .extracting(r -> r.path("name").asText()).containsExactly("shop", "web");
        assertThat(live.removals("other")).isEmpty();
    }
}

package dev.evident.engine;

import static dev.evident.engine.Fixtures.control;
import static dev.evident.engine.Fixtures.networkDefaultDeny;
import static dev.evident.engine.Fixtures.podSecurityLevel;
import static dev.evident.engine.Fixtures.policy;
import static org.assertj.core.api.Assertions.assertThat;

import dev.evident.api.v1alpha1.ControlPolicy;
import dev.evident.api.v1alpha1.ControlSpec;
import dev.evident.api.v1alpha1.Mode;
import dev.evident.api.v1alpha1.NetworkDefaultDenySpec;
import dev.evident.controls.StandardControls;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import java.util.List;
import org.junit.jupiter.api.Test;

class PolicyValidatorTest {
    private final PolicyValidator validator = new PolicyValidator(StandardControls.catalog());

    private List<String> problems(ControlPolicy p) {
        return validator.validate(p);
    }

    @Test
    void validPolicyHasNoProblems() {
        assertThat(problems(policy("p", Mode.Enforce, networkDefaultDeny("NET-001", true), podSecurityLevel("PSS-001", "restricted")))).isEmpty();
    }

    @Test
    void duplicateIdsNameBothPlaces() {
        assertThat(problems(policy("p", Mode.Audit, networkDefaultDeny("NET-001", true), podSecurityLevel("NET-001", "restricted"))))
                .containsExactly("spec.controls[1].id: duplicate id 'NET-001' (also spec.controls[0].id)");
    }

    @Test
    void unknownTypeNamesTheKnownOnes() {
        assertThat(problems(policy("p", Mode.Audit, control("X-1", "Firewall"))))
                .singleElement().asString()
                .startsWith("spec.controls[0].type: unknown control type 'Firewall'")
                .contains("NetworkDefaultDeny", "PodSecurityLevel");
    }

    @Test
    void blockOfAnotherTypeIsRejected() {
        ControlSpec c = podSecurityLevel("PSS-001", "restricted");
        c.setNetworkDefaultDeny(new NetworkDefaultDenySpec());
        assertThat(problems(policy("p", Mode.Audit, c)))
                .containsExactly("spec.controls[0].networkDefaultDeny: not allowed with type PodSecurityLevel");
    }

    @Test
    void missingOrBadSettingsAreNamed() {
        assertThat(problems(policy("p", Mode.Audit, control("PSS-001", "PodSecurityLevel"))))
                .containsExactly("spec.controls[0].podSecurityLevel: required with type PodSecurityLevel");
        assertThat(problems(policy("p", Mode.Audit, podSecurityLevel("PSS-001", "strict"))))
                .containsExactly("spec.controls[0].podSecurityLevel.level: must be baseline or restricted, got 'strict'");
        ControlSpec noTypes = networkDefaultDeny("NET-001", true);
        noTypes.getNetworkDefaultDeny().setPolicyTypes(List.of());
        assertThat(problems(policy("p", Mode.Audit, noTypes)))
                .containsExactly("spec.controls[0].networkDefaultDeny.policyTypes: at least one of Ingress, Egress is required");
    }

    @Test
    void idAndCriteriaFormats() {
        ControlSpec c = podSecurityLevel("bad id!", "restricted");
        c.setCriteria(List.of("CC6.1", "SOC2"));
        assertThat(problems(policy("p", Mode.Audit, c))).containsExactly(
                "spec.controls[0].id: 'bad id!' must match " + ControlSpec.ID_PATTERN,
                "spec.controls[0].criteria[1]: 'SOC2' is not a Trust Services Criterion such as CC6.1");
    }

    @Test
    void missingPartsAreRequired() {
        assertThat(problems(policy("p", Mode.Audit))).containsExactly("spec.controls: at least one control is required");
        ControlPolicy noSpec = new ControlPolicy();
        noSpec.getMetadata().setName("p");
        assertThat(problems(noSpec)).containsExactly("spec: required");
        assertThat(problems(policy("p", Mode.Audit, control(null, null))))
                .containsExactly("spec.controls[0].id: required", "spec.controls[0].type: required");
    }

    @Test
    void selectorOperatorsAreChecked() {
        ControlPolicy p = policy("p", Mode.Audit, podSecurityLevel("PSS-001", "restricted"));
        p.getSpec().setNamespaceSelector(new LabelSelectorBuilder()
                .addNewMatchExpression().withKey("a").withOperator("Equals").withValues("x").endMatchExpression()
                .addNewMatchExpression().withKey("b").withOperator("In").endMatchExpression()
                .build());
        assertThat(problems(p)).containsExactly(
                "spec.namespaceSelector.matchExpressions[0].operator: must be one of In, NotIn, Exists, DoesNotExist, got 'Equals'",
                "spec.namespaceSelector.matchExpressions[1].values: required with operator In");
    }
}

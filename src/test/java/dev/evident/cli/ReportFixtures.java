package dev.evident.cli;

import dev.evident.api.v1alpha1.ControlPolicy;
import dev.evident.api.v1alpha1.ControlPolicySpec;
import dev.evident.api.v1alpha1.Mode;
import dev.evident.engine.ControlEvaluation;
import dev.evident.engine.Finding;
import dev.evident.engine.ObjectRef;
import dev.evident.engine.PolicyEvaluation;
import dev.evident.engine.Result;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.util.List;

/** Reports built by hand, for results the standard controls do not produce on the demo data. */
final class ReportFixtures {
    private ReportFixtures() {
    }

    static AuditReport reportWithEveryResult(String policyName) {
        List<Finding> findings = List.of(
                finding(policyName, ObjectRef.namespace("a"), Result.PASS, "Ok", "fine"),
                finding(policyName, ObjectRef.namespace("b"), Result.FAIL, "Bad", "<b>& \u0001control char"),
                finding(policyName, ObjectRef.namespace("c"), Result.EXCEPTED, "Excepted", "ticket SEC-1"),
                finding(policyName, ObjectRef.namespace("d"), Result.NOT_APPLICABLE, "NamespaceTerminating", "being deleted"),
                finding(policyName, new ObjectRef("ClusterRole", null, "admin"), Result.ERROR, "ControlError", "boom"));
        ControlPolicy policy = new ControlPolicy();
        policy.setMetadata(new ObjectMetaBuilder().withName(policyName).build());
        policy.setSpec(new ControlPolicySpec());
        PolicyEvaluation evaluation = new PolicyEvaluation(policyName, "sha256:00",
                List.of(), List.of(new ControlEvaluation("X-1", "Fixture", Mode.Enforce, List.of("CC6.1"), findings)));
        Manifest source = new Manifest("fixture.yaml", 1, null);
        return new AuditReport(List.of(new AuditReport.Audited(source, policy, evaluation)), 0);
    }

    private static Finding finding(String policy, ObjectRef object, Result result, String reason, String message) {
        return new Finding(policy, "X-1", "Fixture", List.of("CC6.1"), object, result, reason, message, null);
    }
}

package dev.evident.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.evident.api.v1alpha1.ControlPolicy;
import dev.evident.api.v1alpha1.ControlSpec;
import dev.evident.api.v1alpha1.EncryptedStorageSpec;
import dev.evident.api.v1alpha1.IngressTlsSpec;
import dev.evident.api.v1alpha1.Mode;
import dev.evident.api.v1alpha1.RbacLeastPrivilegeSpec;
import dev.evident.api.v1alpha1.SubjectRef;
import dev.evident.controls.StandardControls;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The standard catalogue wires the SOC 2 controls into the engine: types, default criteria, reads, validation. */
class ControlCatalogStandardTest {
    private final Engine engine = new Engine(StandardControls.catalog(), null);

    private static ControlSpec withId(String id, ControlSpec spec) {
        spec.setId(id);
        return spec;
    }

    @Test
    void fourControlsEvaluateWithTheirDefaultCriteria() {
        ControlPolicy policy = Fixtures.policy("soc2-test", Mode.Audit,
                withId("RBAC-001", Fixtures.configured("RbacLeastPrivilege", c -> c.setRbacLeastPrivilege(new RbacLeastPrivilegeSpec()))),
                withId("ENC-001", Fixtures.configured("EncryptedStorage", c -> c.setEncryptedStorage(new EncryptedStorageSpec()))),
                withId("TLS-001", Fixtures.configured("IngressTLS", c -> c.setIngressTls(new IngressTlsSpec()))),
                withId("ENC-002", Fixtures.configured("SecretsEncryptionAtRest", c -> { })));
        PolicyEvaluation result = engine.evaluate(policy, InMemorySnapshot.of(Fixtures.NOW, Fixtures.namespace("web")));
        assertEquals(List.of(), result.problems());
        Map<String, List<String>> criteria = Map.of("RBAC-001", List.of("CC6.1", "CC6.3"), "ENC-001", List.of("CC6.1", "C1.1"),
                "TLS-001", List.of("CC6.7"), "ENC-002", List.of("CC6.1"));
        result.controls().forEach(c -> assertEquals(criteria.get(c.id()), c.criteria(), c.id()));
        assertEquals(List.of("ApiServerNotVisible"), result.findings().stream().map(Finding::reason).toList());
    }

    @Test
    void controlValidationIsReportedWithThePolicyPath() {
        RbacLeastPrivilegeSpec rbac = new RbacLeastPrivilegeSpec();
        rbac.setAllowedSubjects(List.of(new SubjectRef("Group", null, "system:masters"), new SubjectRef("User", null, "")));
        ControlPolicy policy = Fixtures.policy("soc2-test", Mode.Audit, Fixtures.configured("RbacLeastPrivilege", c -> c.setRbacLeastPrivilege(rbac)));
        assertEquals(List.of("spec.controls[0].rbacLeastPrivilege.allowedSubjects[1].name: required"),
                engine.evaluate(policy, InMemorySnapshot.of(Fixtures.NOW)).problems());
    }

    @Test
    void narrowReadsSurviveTheUnion() {
        var reads = engine.catalog().reads();
        assertTrue(reads.contains(new Read(Pod.class, "kube-system", "component=kube-apiserver", null)), reads::toString);
        // Secrets are read whole-cluster (metadata only live) so that live and offline agree on a wrong-typed Secret.
        assertTrue(reads.contains(Read.all(Secret.class)), reads::toString);
    }
}

package dev.evident.exceptions;

import static org.assertj.core.api.Assertions.assertThat;

import dev.evident.api.v1alpha1.ControlException;
import dev.evident.api.v1alpha1.ControlExceptionSpec;
import dev.evident.api.v1alpha1.ControlPolicy;
import dev.evident.api.v1alpha1.ExceptionObjectSelector;
import dev.evident.api.v1alpha1.Mode;
import dev.evident.controls.StandardControls;
import dev.evident.engine.Engine;
import dev.evident.engine.Finding;
import dev.evident.engine.Fixtures;
import dev.evident.engine.InMemorySnapshot;
import dev.evident.engine.ObjectRef;
import dev.evident.engine.PolicyEvaluation;
import dev.evident.engine.Result;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** ControlExceptions applied by the engine: states, validation, matching, and expiry at the exact instant. */
class ExceptionsTest {
    static final Instant NOW = Fixtures.NOW;
    static final Instant EXPIRES = NOW.plus(Duration.ofDays(30));
    static final ControlPolicy POLICY = Fixtures.policy("soc2", Mode.Enforce, Fixtures.networkDefaultDeny("NET-001", true),
            Fixtures.podSecurityLevel("PSS-001", "restricted"));
    private final Engine engine = new Engine(StandardControls.catalog(), null);

    static ControlException exception(String name, List<String> controls, List<String> namespaces) {
        ControlException e = new ControlException();
        e.getMetadata().setName(name);
        e.getMetadata().setCreationTimestamp(NOW.minus(Duration.ofDays(1)).toString());
        ControlExceptionSpec spec = new ControlExceptionSpec();
        spec.setPolicy("soc2");
        spec.setControls(new ArrayList<>(controls));
        spec.setNamespaces(namespaces);
        spec.setJustification("Rebuilt from source on every deploy; holds no state.");
        spec.setApprovedBy("security-lead@example.com");
        spec.setTicket("SEC-1234");
        spec.setExpiresAt(EXPIRES.toString());
        e.setSpec(spec);
        return e;
    }

    private PolicyEvaluation evaluate(Instant at, HasMetadata... exceptions) {
        List<HasMetadata> objects = new ArrayList<>(List.of(Fixtures.namespace("legacy"), Fixtures.namespace("app")));
        objects.addAll(List.of(exceptions));
        return engine.evaluate(POLICY, InMemorySnapshot.of(at, objects));
    }

    private static Finding finding(PolicyEvaluation evaluation, String control, String namespace) {
        return evaluation.findings().stream().filter(f -> f.control().equals(control) && namespace.equals(f.object().namespace()))
                .findFirst().orElseThrow();
    }

    @Test
    void activeExceptionExceptsMatchingFailuresOnlyAndNamesItself() {
        PolicyEvaluation evaluation = evaluate(NOW, exception("legacy-waiver", List.of("NET-001"), List.of("legacy")));

        Finding excepted = finding(evaluation, "NET-001", "legacy");
        assertThat(excepted.result()).isEqualTo(Result.EXCEPTED);
        assertThat(excepted.reason()).as("the original reason stays").isEqualTo("DefaultDenyMissing");
        assertThat(excepted.message()).contains("ControlException legacy-waiver", "security-lead@example.com", "SEC-1234");
        assertThat(excepted.remediation()).as("never remediated").isNull();
        assertThat(excepted.changesAt()).isEqualTo(EXPIRES);
        assertThat(finding(evaluation, "NET-001", "app").result()).as("other namespace").isEqualTo(Result.FAIL);
        assertThat(finding(evaluation, "PSS-001", "legacy").result()).as("other control").isEqualTo(Result.FAIL);

        ExceptionOutcome outcome = evaluation.exceptions().get(0);
        assertThat(outcome.state()).isEqualTo(ExceptionState.Active);
        assertThat(outcome.covered()).containsExactly(excepted);
        assertThat(outcome.unused()).isFalse();
        assertThat(evaluation.count(Result.EXCEPTED)).isEqualTo(1);
        assertThat(evaluation.changesAt()).contains(EXPIRES);
    }

    @Test
    void expiryTurnsTheFindingsBackIntoViolationsAtThatInstant() {
        ControlException e = exception("legacy-waiver", List.of("NET-001"), List.of("legacy"));
        Instant justBefore = EXPIRES.minusMillis(1);
        assertThat(finding(evaluate(justBefore, e), "NET-001", "legacy").result()).isEqualTo(Result.EXCEPTED);

        PolicyEvaluation at = evaluate(EXPIRES, e);
        assertThat(finding(at, "NET-001", "legacy").result()).isEqualTo(Result.FAIL);
        assertThat(finding(at, "NET-001", "legacy").message()).doesNotContain("excepted");
        assertThat(finding(at, "NET-001", "legacy").remediation()).as("remediated again").isNotNull();
        ExceptionOutcome outcome = at.exceptions().get(0);
        assertThat(outcome.state()).isEqualTo(ExceptionState.Expired);
        assertThat(outcome.covered()).as("the findings that are violations again").extracting(f -> f.object().namespace()).containsExactly("legacy");
        assertThat(at.changesAt()).as("nothing left to wake up for").isEmpty();
    }

    @Test
    void unusedExceptionIsActiveCoversNothingAndStillWakesTheReconcilerAtExpiry() {
        PolicyEvaluation evaluation = evaluate(NOW, exception("nobody-needs-it", List.of("NET-001"), List.of("absent-namespace")));
        ExceptionOutcome outcome = evaluation.exceptions().get(0);
        assertThat(outcome.state()).isEqualTo(ExceptionState.Active);
        assertThat(outcome.unused()).isTrue();
        assertThat(evaluation.count(Result.EXCEPTED)).isZero();
        assertThat(evaluation.changesAt()).contains(EXPIRES);
    }

    @Test
    void invalidExceptionsExceptNothingAndSayWhy() {
        ControlException missing = exception("missing", List.of("NET-001"), List.of("legacy"));
        missing.getSpec().setJustification("because");
        missing.getSpec().setApprovedBy(null);
        ControlException tooLong = exception("too-long", List.of("NET-001"), List.of("legacy"));
        tooLong.getSpec().setExpiresAt(NOW.minus(Duration.ofDays(1)).plus(Duration.ofDays(91)).toString());
        ControlException unknownControl = exception("unknown-control", List.of("BAK-001"), List.of("legacy"));
        ControlException unreadable = exception("unreadable", List.of("NET-001"), List.of("legacy"));
        unreadable.getSpec().setExpiresAt("next spring");
        ControlException noScope = exception("no-scope", List.of("NET-001"), null);

        PolicyEvaluation evaluation = evaluate(NOW, missing, tooLong, unknownControl, unreadable, noScope);

        assertThat(finding(evaluation, "NET-001", "legacy").result()).isEqualTo(Result.FAIL);
        assertThat(evaluation.exceptions()).allSatisfy(o -> {
            assertThat(o.state()).isEqualTo(ExceptionState.Invalid);
            assertThat(o.covered()).isEmpty();
        });
        Map<String, List<String>> problems = new java.util.HashMap<>();
        evaluation.exceptions().forEach(o -> problems.put(o.name(), o.problems()));
        assertThat(problems.get("missing")).anyMatch(p -> p.startsWith("spec.justification:")).anyMatch(p -> p.startsWith("spec.approvedBy:"));
        assertThat(problems.get("too-long")).singleElement().asString().startsWith("spec.expiresAt:").contains("90 days");
        assertThat(problems.get("unknown-control")).containsExactly("spec.controls: policy soc2 has no control BAK-001");
        assertThat(problems.get("unreadable")).singleElement().asString().contains("RFC 3339");
        assertThat(problems.get("no-scope")).singleElement().asString().startsWith("spec.namespaces:");
    }

    @Test
    void maximumDurationIsTheEnginesSetting() {
        ControlException e = exception("long", List.of("NET-001"), List.of("legacy"));
        e.getSpec().setExpiresAt(NOW.plus(Duration.ofDays(120)).toString());
        Engine lenient = new Engine(StandardControls.catalog(), null, Duration.ofDays(180));
        PolicyEvaluation evaluation = lenient.evaluate(POLICY, InMemorySnapshot.of(NOW, Fixtures.namespace("legacy"), e));
        assertThat(evaluation.exceptions().get(0).state()).isEqualTo(ExceptionState.Active);
        assertThat(evaluate(NOW, e).exceptions().get(0).state()).isEqualTo(ExceptionState.Invalid);
    }

    @Test
    void exceptionsOfOtherPoliciesAreIgnored() {
        ControlException other = exception("other", List.of("NET-001"), List.of("legacy"));
        other.getSpec().setPolicy("another-policy");
        PolicyEvaluation evaluation = evaluate(NOW, other);
        assertThat(evaluation.exceptions()).isEmpty();
        assertThat(finding(evaluation, "NET-001", "legacy").result()).isEqualTo(Result.FAIL);
    }

    @Test
    void objectSelectorMatchesNamedObjectsClusterScopedOnesIncluded() {
        ControlException e = exception("named", List.of("RBAC-001"), null);
        ExceptionObjectSelector selector = new ExceptionObjectSelector();
        selector.setKind("ClusterRoleBinding");
        selector.setNames(List.of("system:public-info-viewer"));
        e.getSpec().setObjectSelector(selector);
        Finding binding = new Finding("soc2", "RBAC-001", "RbacLeastPrivilege", List.of("CC6.1"),
                new ObjectRef("ClusterRoleBinding", null, "system:public-info-viewer"), Result.FAIL, "Anonymous", "m", null);
        Finding role = new Finding("soc2", "RBAC-001", "RbacLeastPrivilege", List.of("CC6.1"),
                new ObjectRef("ClusterRole", null, "system:public-info-viewer"), Result.FAIL, "Anonymous", "m", null);
        Finding namespaced = new Finding("soc2", "RBAC-001", "RbacLeastPrivilege", List.of("CC6.1"),
                new ObjectRef("ClusterRoleBinding", "legacy", "system:public-info-viewer"), Result.FAIL, "Anonymous", "m", null);
        assertThat(Exceptions.matches(e.getSpec(), binding)).isTrue();
        assertThat(Exceptions.matches(e.getSpec(), role)).as("other kind").isFalse();

        e.getSpec().setNamespaces(List.of("other"));
        assertThat(Exceptions.matches(e.getSpec(), namespaced)).as("both given: both must match").isFalse();
        e.getSpec().setNamespaces(List.of("legacy"));
        assertThat(Exceptions.matches(e.getSpec(), namespaced)).isTrue();
    }

    @Test
    void notApplicableManagedControlPlaneFindingIsExceptedByAnAttestation() {
        ControlPolicy policy = Fixtures.policy("soc2", Mode.Audit, Fixtures.control("ENC-002", "SecretsEncryptionAtRest"));
        ControlException e = exception("managed", List.of("ENC-002"), null);
        ExceptionObjectSelector selector = new ExceptionObjectSelector();
        selector.setKind("Cluster");
        selector.setNames(List.of("kube-apiserver"));
        e.getSpec().setObjectSelector(selector);
        PolicyEvaluation evaluation = engine.evaluate(policy, InMemorySnapshot.of(NOW, Fixtures.namespace("app"), e));
        assertThat(evaluation.findings()).singleElement().satisfies(f -> {
            assertThat(f.result()).isEqualTo(Result.EXCEPTED);
            assertThat(f.reason()).isEqualTo("ApiServerNotVisible");
        });
    }

    @Test
    void reEvaluatingOneControlHonoursExceptionsToo() {
        ControlException e = exception("legacy-waiver", List.of("NET-001"), List.of("legacy"));
        List<Finding> findings = engine.evaluateControl(POLICY, "NET-001",
                InMemorySnapshot.of(NOW, Fixtures.namespace("legacy"), Fixtures.namespace("app"), e), "legacy");
        assertThat(findings).singleElement().extracting(Finding::result).isEqualTo(Result.EXCEPTED);
    }
}

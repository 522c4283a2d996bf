package dev.evident.engine;

import static dev.evident.engine.Fixtures.control;
import static dev.evident.engine.Fixtures.evaluate;
import static dev.evident.engine.Fixtures.namespace;
import static dev.evident.engine.Fixtures.networkDefaultDeny;
import static dev.evident.engine.Fixtures.podSecurityLevel;
import static dev.evident.engine.Fixtures.policy;
import static org.assertj.core.api.Assertions.assertThat;

import dev.evident.api.v1alpha1.ControlSpec;
import dev.evident.api.v1alpha1.Mode;
import dev.evident.controls.StandardControls;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EngineTest {

    @Test
    void selectsNamespacesBySelectorAndExclusions() {
        var p = policy("p", Mode.Audit, podSecurityLevel("PSS-001", "baseline"));
        p.getSpec().setNamespaceSelector(new LabelSelectorBuilder()
                .addNewMatchExpression().withKey("tier").withOperator("In").withValues("prod", "staging").endMatchExpression()
                .addNewMatchExpression().withKey("evident.dev/exempt").withOperator("DoesNotExist").endMatchExpression()
                .build());
        var result = evaluate(p,
                namespace("prod-a", Map.of("tier", "prod")),
                namespace("staging-a", Map.of("tier", "staging")),
                namespace("dev-a", Map.of("tier", "dev")),
                namespace("prod-exempt", Map.of("tier", "prod", "evident.dev/exempt", "yes")),
                namespace("kube-system", Map.of("tier", "prod")));
        assertThat(result.findings()).extracting(f -> f.object().name()).containsExactly("prod-a", "staging-a");
    }

    @Test
    void emptySelectorSelectsAllButDefaultExclusions() {
        var result = evaluate(policy("p", Mode.Audit, podSecurityLevel("PSS-001", "baseline")),
                namespace("a"), namespace("kube-system"), namespace("kube-public"), namespace("kube-node-lease"));
        assertThat(result.findings()).extracting(f -> f.object().name()).containsExactly("a");
    }

    @Test
    void criteriaDefaultFromCatalogueAndCanBeOverridden() {
        ControlSpec custom = podSecurityLevel("PSS-002", "baseline");
        custom.setCriteria(List.of("CC6.1", "CC7.2"));
        var result = evaluate(policy("p", Mode.Audit, podSecurityLevel("PSS-001", "baseline"), custom), namespace("a"));
        assertThat(result.controls()).extracting(ControlEvaluation::criteria)
                .containsExactly(List.of("CC6.8"), List.of("CC6.1", "CC7.2"));
        assertThat(result.controls().get(1).findings().get(0).criteria()).containsExactly("CC6.1", "CC7.2");
    }

    @Test
    void controlModeOverridesPolicyMode() {
        ControlSpec enforced = podSecurityLevel("PSS-001", "baseline");
        enforced.setMode(Mode.Enforce);
        var result = evaluate(policy("p", Mode.Audit, enforced, networkDefaultDeny("NET-001", true)), namespace("a"));
        assertThat(result.controls()).extracting(ControlEvaluation::mode).containsExactly(Mode.Enforce, Mode.Audit);
    }

    @Test
    void scoreCountsOnlyPassAndFail() {
        var result = evaluate(policy("p", Mode.Audit, podSecurityLevel("PSS-001", "baseline")),
                namespace("a", Map.of("pod-security.kubernetes.io/enforce", "restricted")),
                namespace("b", Map.of("pod-security.kubernetes.io/enforce", "baseline")),
                namespace("c", Map.of("pod-security.kubernetes.io/enforce", "baseline")),
                namespace("d"));
        assertThat(result.count(Result.PASS)).isEqualTo(3);
        assertThat(result.count(Result.FAIL)).isEqualTo(1);
        assertThat(result.score()).isEqualTo(75.0);
    }

    @Test
    void nothingSelectedHasNoScoreAndIsNotCompliance() {
        var result = evaluate(policy("p", Mode.Audit, podSecurityLevel("PSS-001", "baseline")));
        assertThat(result.findings()).isEmpty();
        assertThat(result.score()).isNull();
        assertThat(result.nothingJudged()).isTrue();
    }

    @Test
    void aControlThatThrowsGivesAnErrorFindingAndOthersStillRun() {
        Control broken = new Control() {
            public String type() { return "PodSecurityLevel"; }
            public List<String> defaultCriteria() { return List.of("CC6.8"); }
            public List<Read> reads() { return List.of(); }
            public List<Finding> evaluate(ControlContext context) { throw new IllegalStateException("boom"); }
        };
        Control network = StandardControls.catalog().find("NetworkDefaultDeny").orElseThrow();
        Engine engine = new Engine(new ControlCatalog(List.of(broken, network)), null);
        var result = engine.evaluate(policy("p", Mode.Audit, podSecurityLevel("PSS-001", "baseline"), networkDefaultDeny("NET-001", true)),
                InMemorySnapshot.of(Fixtures.NOW, namespace("a")));
        assertThat(result.controls().get(0).findings()).singleElement().satisfies(f -> {
            assertThat(f.result()).isEqualTo(Result.ERROR);
            assertThat(f.reason()).isEqualTo("ControlError");
            assertThat(f.message()).contains("boom");
        });
        assertThat(result.controls().get(1).findings()).singleElement().extracting(Finding::result).isEqualTo(Result.FAIL);
    }

    @Test
    void invalidPolicyIsNotEvaluated() {
        var result = evaluate(policy("p", Mode.Audit, control("X", "NoSuchType")), namespace("a"));
        assertThat(result.valid()).isFalse();
        assertThat(result.controls()).isEmpty();
        assertThat(result.problems()).singleElement().asString().startsWith("spec.controls[0].type: unknown control type 'NoSuchType'");
    }

    @Test
    void specHashIsStableAndTracksChanges() {
        var a = policy("p", Mode.Audit, podSecurityLevel("PSS-001", "baseline"));
        var b = policy("other-name", Mode.Audit, podSecurityLevel("PSS-001", "baseline"));
        var c = policy("p", Mode.Enforce, podSecurityLevel("PSS-001", "baseline"));
        assertThat(SpecHash.of(a.getSpec())).isEqualTo(SpecHash.of(b.getSpec())).startsWith("sha256:").hasSize(71);
        assertThat(SpecHash.of(a.getSpec())).isNotEqualTo(SpecHash.of(c.getSpec()));
    }
}

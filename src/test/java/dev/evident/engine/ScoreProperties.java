package dev.evident.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

class ScoreProperties {

    @Property
    void scoreIsTheShareOfPassesAmongJudgedFindings(@ForAll @IntRange(max = 500) int pass, @ForAll @IntRange(max = 500) int fail,
            @ForAll @IntRange(max = 50) int excepted, @ForAll @IntRange(max = 50) int notApplicable) {
        List<Finding> findings = new ArrayList<>();
        add(findings, Result.PASS, pass);
        add(findings, Result.FAIL, fail);
        add(findings, Result.EXCEPTED, excepted);
        add(findings, Result.NOT_APPLICABLE, notApplicable);
        var evaluation = new PolicyEvaluation("p", "sha256:x", List.of(),
                List.of(new ControlEvaluation("C-1", "T", dev.evident.api.v1alpha1.Mode.Audit, List.of("CC6.1"), findings)));
        double score = evaluation.score();
        assertThat(score).isBetween(0.0, 100.0);
        double expected = pass + fail == 0 ? 100.0 : 100.0 * pass / (pass + fail);
        assertThat(score).isCloseTo(expected, org.assertj.core.data.Offset.offset(0.05));
    }

    private static void add(List<Finding> findings, Result result, int n) {
        for (int i = 0; i < n; i++) {
            findings.add(new Finding("p", "C-1", "T", List.of("CC6.1"), new ObjectRef("Namespace", "ns" + i, "ns" + i), result, "R", "m", null));
        }
    }
}

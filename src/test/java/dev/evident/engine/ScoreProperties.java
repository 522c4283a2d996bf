package dev.evident.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.evident.api.v1alpha1.Mode;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.RepetitionInfo;

/** Property: the score is the share of passes among judged findings, whatever the mix (seeded, repeatable). */
class ScoreProperties {

    @RepeatedTest(200)
    void scoreIsTheShareOfPassesAmongJudgedFindings(RepetitionInfo repetition) {
        Random random = new Random(repetition.getCurrentRepetition());
        int pass = random.nextInt(501);
        int fail = random.nextInt(501);
        if (repetition.getCurrentRepetition() == 1) {
            pass = 0;
            fail = 0;
        }
        List<Finding> findings = new ArrayList<>();
        add(findings, Result.PASS, pass);
        add(findings, Result.FAIL, fail);
        add(findings, Result.EXCEPTED, random.nextInt(51));
        add(findings, Result.NOT_APPLICABLE, random.nextInt(51));
        var evaluation = new PolicyEvaluation("p", "sha256:x", List.of(),
                List.of(new ControlEvaluation("C-1", "T", Mode.Audit, List.of("CC6.1"), findings)));
        if (pass + fail == 0) {
            assertThat(evaluation.score()).as("nothing passed or failed: no score").isNull();
            return;
        }
        double expected = 100.0 * pass / (pass + fail);
        assertThat(evaluation.score()).isBetween(0.0, 100.0).isCloseTo(expected, Offset.offset(0.05));
    }

    private static void add(List<Finding> findings, Result result, int n) {
        for (int i = 0; i < n; i++) {
            findings.add(new Finding("p", "C-1", "T", List.of("CC6.1"), new ObjectRef("Namespace", "ns" + i, "ns" + i), result, "R", "m", null));
        }
    }
}

package dev.evident.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A policy whose selector matches no namespace judged nothing: that is reported, never shown as score 100. */
class NothingSelectedAuditTest {
    @TempDir
    Path dir;

    private Path policySelectingNobody() {
        return Cli.write(dir, "policy.yaml", Cli.policy("nobody", "Audit").replace("  mode: Audit\n",
                "  mode: Audit\n  namespaceSelector: {matchLabels: {team: no-such-team}}\n"));
    }

    @Test
    void jsonHasNoScoreAndSaysUnknown() throws Exception {
        Path policy = policySelectingNobody();
        Path cluster = Cli.write(dir, "cluster/ns.yaml", Cli.namespace("web", null));
        Cli result = Cli.run("audit", "--policy", policy.toString(), "--resources", cluster.toString(), "--output", "json");
        JsonNode json = new ObjectMapper().readTree(result.out());
        JsonNode p = json.get("policies").get(0);
        assertThat(p.get("score").isNull()).as(result.toString()).isTrue();
        assertThat(p.get("compliant").asText()).isEqualTo("Unknown");
        assertThat(result.err()).contains("policy nobody judged no object (NothingSelected)");
    }

    @Test
    void tableSaysNothingSelectedInsteadOfAScore() {
        Path policy = policySelectingNobody();
        Path cluster = Cli.write(dir, "cluster/ns.yaml", Cli.namespace("web", null));
        Cli result = Cli.run("audit", "--policy", policy.toString(), "--resources", cluster.toString());
        assertThat(result.out()).contains("Policy nobody (Audit mode): nothing selected").doesNotContain("score 100");
    }
}

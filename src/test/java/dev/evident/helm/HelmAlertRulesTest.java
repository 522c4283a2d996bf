package dev.evident.helm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The chart's alert rules through the real Prometheus tooling: {@code promtool check rules} and the unit tests
 * in helm/evident/tests (each alert fires on series that should trigger it, and stays silent on healthy
 * series and on a burst of namespace creations). Debian's {@code prometheus} package ships promtool; .ci/run
 * installs it. Skipped, saying so, where it is absent.
 */
class HelmAlertRulesTest {
    static final Path WORK = Path.of("target", "promtool");

    @BeforeAll
    static void promtoolIsInstalled() {
        assumeTrue(Tools.onPath("promtool"), "promtool not found on PATH: alert rule tests SKIPPED (apt-get install prometheus, as .ci/run does)");
    }

    @Test
    void rulesPassPromtoolCheck() throws Exception {
        Path rules = writeRules(Map.of());
        assertThat(promtool("check", "rules", rules.toString())).contains("SUCCESS").contains("rules found");
        // With every optional alert on too (their metrics arrive with later issues).
        Path all = writeRules(Map.of("alerts.exceptionExpiring.enabled", true, "alerts.evidenceWriteErrors.enabled", true,
                "alerts.evidenceGap.enabled", true));
        assertThat(promtool("check", "rules", all.toString())).contains("SUCCESS");
    }

    @Test
    void alertUnitTestsPass() throws Exception {
        writeRules(Map.of());
        List<String> args = new ArrayList<>(List.of("test", "rules"));
        try (Stream<Path> tests = Files.list(HelmChart.DIR.resolve("tests"))) {
            for (Path test : tests.filter(p -> p.toString().endsWith(".yaml")).sorted().toList()) {
                Path copy = WORK.resolve(test.getFileName());
                Files.copy(test, copy, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                args.add(copy.toString());
            }
        }
        assertThat(args).hasSizeGreaterThan(2);
        String out = promtool(args.toArray(String[]::new));
        assertThat(out).contains("SUCCESS").doesNotContain("FAILED");
    }

    /** The PrometheusRule's groups, rendered with the defaults (release evident), as target/promtool/evident-rules.yaml. */
    static Path writeRules(Map<String, Object> sets) throws IOException {
        Files.createDirectories(WORK);
        Map<String, Object> all = new java.util.LinkedHashMap<>(sets);
        all.put("prometheusRule.enabled", true);
        Path file = WORK.resolve(sets.isEmpty() ? "evident-rules.yaml" : "evident-rules-all.yaml");
        Files.writeString(file, Alerts.rulesFile(HelmChart.render(all)));
        return file;
    }

    private static String promtool(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("promtool"));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("promtool %s:%n%s", String.join(" ", args), out).isZero();
        return out;
    }
}

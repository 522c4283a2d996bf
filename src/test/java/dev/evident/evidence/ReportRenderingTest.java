package dev.evident.evidence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The HTML page in a real browser and the OSCAL document in the reference tooling. Tools that are missing
 * skip their test with a message; .ci/run installs them (Debian chromium; compliance-trestle in a venv).
 */
class ReportRenderingTest {
    static final Path TRESTLE = Path.of(System.getProperty("user.home"), ".cache/evident-tools/trestle-venv/bin/trestle");
    @TempDir
    Path tmp;

    private Path report(String format, String name) {
        Path log = HandBuiltLog.write(tmp.resolve("evidence.jsonl"));
        Path out = tmp.resolve(name);
        Run run = Run.cli("report", "--evidence-log", log.toString(), "--from", "2025-01-01", "--to", "2025-01-01", "--format", format,
                "--out", out.toString());
        assertThat(run.exitCode()).as(run.toString()).isZero();
        return out;
    }

    @Test
    void htmlIsOneSelfContainedPage() throws IOException {
        String html = Files.readString(report("html", "report.html"));
        assertThat(html).startsWith("<!DOCTYPE html>").contains("<style>").doesNotContain("<script").doesNotContain("src=")
                .doesNotContain("href=").contains("legacy app &lt;migrating&gt;").contains("CC6.8").contains("91.60%").contains("remediated");
    }

    @Test
    void htmlRendersInHeadlessChromium() throws Exception {
        Path chromium = Path.of("/usr/bin/chromium");
        assumeTrue(Files.isExecutable(chromium), "SKIPPED: chromium is not installed (apt-get install chromium; .ci/run does it)");
        Path page = report("html", "report.html");
        // Kept in target/ so a person can look at it after the run.
        Path png = Path.of("target", "evidence-report.png").toAbsolutePath();
        Files.deleteIfExists(png);
        Process p = new ProcessBuilder(chromium.toString(), "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                "--user-data-dir=" + tmp.resolve("chromium-profile"), "--window-size=1400,1500", "--screenshot=" + png, page.toUri().toString())
                .redirectErrorStream(true).redirectOutput(tmp.resolve("chromium.log").toFile()).start();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("chromium finished").isTrue();
        assertThat(png).exists();
        byte[] bytes = Files.readAllBytes(png);
        assertThat(bytes.length).as("a screenshot with content").isGreaterThan(20_000);
        assertThat(new String(bytes, 1, 3, java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("PNG");
        System.out.println("ReportRenderingTest: screenshot of the HTML report at " + png + " (" + bytes.length + " bytes)");
    }

    @Test
    void oscalValidatesAgainstNistsSchema() throws IOException {
        JsonNode doc = EvidenceRecord.JSON.readTree(report("oscal", "report-oscal.json").toFile());
        JsonSchema schema;
        try (InputStream in = getClass().getResourceAsStream("/oscal/oscal_assessment-results_schema-1.0.6.json")) {
            schema = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V7).getSchema(in);
        }
        Set<ValidationMessage> errors = schema.validate(doc);
        assertThat(errors).as(doc.toPrettyString()).isEmpty();
        JsonNode result = doc.at("/assessment-results/results/0");
        assertThat(result.at("/start").asText()).isEqualTo("2025-01-01T00:00:00.000Z");
        assertThat(result.at("/reviewed-controls/control-selections/0/include-controls").findValuesAsText("control-id"))
                .containsExactly("cc6.1", "cc6.6", "cc6.8");
        assertThat(result.at("/findings").findValuesAsText("state")).containsExactly("not-satisfied", "not-satisfied", "not-satisfied");
        // One observation per criterion and per violation.
        assertThat(result.at("/observations").size()).isEqualTo(3 + 3);
        // A schema violation is caught (the check is not vacuous).
        ((com.fasterxml.jackson.databind.node.ObjectNode) result.at("/findings/0/target/status")).put("state", "compliant");
        assertThat(schema.validate(doc)).isNotEmpty();
    }

    @Test
    void oscalValidatesWithComplianceTrestle() throws Exception {
        assumeTrue(Files.isExecutable(TRESTLE), "SKIPPED: compliance-trestle is not installed at " + TRESTLE
                + " (python3 -m venv there and pip install compliance-trestle; .ci/run tries it)");
        Path workspace = Files.createDirectories(tmp.resolve("trestle"));
        assertThat(run(workspace, TRESTLE.toString(), "init")).isZero();
        Path dir = Files.createDirectories(workspace.resolve("assessment-results/evident"));
        Files.copy(report("oscal", "report-oscal.json"), dir.resolve("assessment-results.json"));
        assertThat(run(workspace, TRESTLE.toString(), "validate", "-f", dir.resolve("assessment-results.json").toString())).isZero();
    }

    private static int run(Path dir, String... command) throws Exception {
        Process p = new ProcessBuilder(List.of(command)).directory(dir.toFile()).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(300, TimeUnit.SECONDS)).isTrue();
        System.out.println(String.join(" ", command) + ":\n" + output);
        return p.exitValue();
    }
}

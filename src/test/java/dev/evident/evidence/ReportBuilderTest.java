package dev.evident.evidence;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Report numbers against the hand-built log (HandBuiltLog says how each number comes about). */
class ReportBuilderTest {
    @TempDir
    Path tmp;

    private Report day() {
        Path log = HandBuiltLog.write(tmp.resolve("evidence.jsonl"));
        return new ReportBuilder(HandBuiltLog.DAY, HandBuiltLog.hour(24), null).build(log, null, Instant.parse("2025-01-05T00:00:00Z"));
    }

    @Test
    void sharesPerCriterionAndControl() {
        Report r = day();
        assertThat(r.chain().verified()).isTrue();
        assertThat(r.period().seconds()).isEqualTo(86400);
        assertThat(r.evidence().maxSilenceSeconds()).isEqualTo(1200);
        assertThat(r.evidence().gaps()).singleElement()
                .isEqualTo(new Report.Gap("2025-01-01T10:00:00.000Z", "2025-01-01T12:00:00.000Z", 7200));
        assertThat(r.evidence().noEvidenceShare()).isEqualTo(0.0833);
        assertThat(r.criteria()).extracting(Report.Criterion::criterion).containsExactly("CC6.1", "CC6.6", "CC6.8");

        Report.Criterion cc66 = r.criteria().get(1);
        // 60 s violating, 7200 s without evidence, the rest compliant.
        assertThat(cc66.shares()).isEqualTo(new Report.Shares(0.916, 0.0007, 0.0833, 0.0));
        assertThat(cc66.controls()).singleElement().extracting(Report.Control::control).isEqualTo("NET-001");
        assertThat(cc66.violations()).isEqualTo(1);
        assertThat(r.criteria().get(0).shares()).isEqualTo(cc66.shares());

        Report.Criterion cc68 = r.criteria().get(2);
        // 04:00-06:00 and 20:00-24:00 violating (21600 s), the 2 h gap, the rest (57600 s) compliant.
        assertThat(cc68.shares()).isEqualTo(new Report.Shares(0.6667, 0.25, 0.0833, 0.0));
        assertThat(cc68.violations()).isEqualTo(2);
    }

    @Test
    void everyViolationWithDetectionRemediationAndTimeToRemediate() {
        List<Report.Violation> v = day().violations();
        assertThat(v).extracting(x -> x.name() + " " + x.detectedAt() + " " + x.remediatedAt() + " " + x.resolution() + " " + x.timeToRemediateSeconds())
                .containsExactly(
                        "shop 2025-01-01T02:00:00.000Z 2025-01-01T02:01:00.000Z remediated 60",
                        "web 2025-01-01T04:00:00.000Z 2025-01-01T06:00:00.000Z fixed 7200",
                        "api 2025-01-01T20:00:00.000Z null open null");
        assertThat(v.get(0).criteria()).containsExactly("CC6.6", "CC6.1");
        assertThat(v.get(0).reason()).isEqualTo("NoDefaultDeny");
        assertThat(v.get(0).id()).isEqualTo(v.get(0).detectedSeq());
    }

    @Test
    void exceptionsAndPolicyVersions() {
        Report r = day();
        assertThat(r.exceptions()).singleElement().satisfies(e -> {
            assertThat(e.approvedBy()).isEqualTo("alice");
            assertThat(e.ticket()).isEqualTo("SEC-1");
            assertThat(e.stateAtEnd()).isEqualTo("active");
            assertThat(e.changes()).extracting(Report.StateChange::time).containsExactly("2025-01-01T05:00:00.000Z");
        });
        assertThat(r.policyVersions()).extracting(p -> p.specHash() + " " + p.changedBy() + " " + p.inForceFrom() + " " + p.inForceTo())
                .containsExactly("sha256:v1 kubectl-client-side-apply (Update) 2024-12-31T23:00:00.000Z 2025-01-01T08:00:00.000Z",
                        "sha256:v2 kubectl (Update) 2025-01-01T08:00:00.000Z null");
    }

    @Test
    void aPeriodWithoutHeartbeatsIsAGapNotCompliance() {
        Path log = HandBuiltLog.write(tmp.resolve("evidence.jsonl"));
        // The day after the log ends: no evidence at all.
        Report after = new ReportBuilder(HandBuiltLog.hour(24), HandBuiltLog.hour(48), null).build(log, null, HandBuiltLog.hour(48));
        assertThat(after.evidence().noEvidenceShare()).isEqualTo(1.0);
        assertThat(after.criteria()).allSatisfy(c -> assertThat(c.shares()).isEqualTo(new Report.Shares(0, 0, 1.0, 0)));
        // The open violation stays open.
        assertThat(after.violations()).extracting(Report.Violation::name).containsExactly("api");
        // Before the policy existed, its controls were not in force.
        Report before = new ReportBuilder(HandBuiltLog.hour(-3), HandBuiltLog.hour(-1).plusSeconds(1800), null).build(log, null, HandBuiltLog.hour(0));
        assertThat(before.criteria().get(2).shares().notInForce()).isEqualTo(0.8);
    }

    @Test
    void aTamperedLogIsReportedAsNotVerified() throws IOException {
        Path log = HandBuiltLog.write(tmp.resolve("evidence.jsonl"));
        List<String> lines = Files.readAllLines(log);
        lines.set(30, lines.get(30).replace("600", "601"));
        Files.write(log, lines);
        Run run = Run.cli("report", "--evidence-log", log.toString(), "--from", "2025-01-01", "--to", "2025-01-01", "--format", "json");
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).contains("did NOT verify: seq 31: hash does not match");
        assertThat(run.out()).contains("\"verified\" : false");
    }

    @Test
    void cliJsonAndCsvShapes() throws IOException {
        Path log = HandBuiltLog.write(tmp.resolve("evidence.jsonl"));
        Run json = Run.cli("report", "--evidence-log", log.toString(), "--from", "2025-01-01", "--to", "2025-01-01");
        assertThat(json.exitCode()).as(json.toString()).isZero();
        JsonNode doc = EvidenceRecord.JSON.readTree(json.out());
        assertThat(doc.fieldNames()).toIterable().containsExactly("period", "generatedAt", "chain", "evidence", "criteria", "violations",
                "exceptions", "policyVersions");
        assertThat(doc.at("/period/to").asText()).isEqualTo("2025-01-02T00:00:00.000Z");
        assertThat(doc.at("/criteria/2/shares/violating").asDouble()).isEqualTo(0.25);
        assertThat(doc.at("/criteria/2/controls/0/policy").asText()).isEqualTo("baseline");
        assertThat(doc.at("/violations/1/timeToRemediateSeconds").asLong()).isEqualTo(7200);

        Path csvFile = tmp.resolve("violations.csv");
        Run csv = Run.cli("report", "--evidence-log", log.toString(), "--from", "2025-01-01T00:00:00Z", "--to", "2025-01-02T00:00:00Z",
                "--format", "csv", "--out", csvFile.toString());
        assertThat(csv.exitCode()).as(csv.toString()).isZero();
        List<String> rows = Files.readAllLines(csvFile);
        assertThat(rows.get(0)).isEqualTo("id,criteria,policy,control,controlType,namespace,kind,name,result,reason,detectedAt,detectedSeq,"
                + "remediatedAt,remediatedSeq,resolution,timeToRemediateSeconds");
        assertThat(rows).hasSize(4);
        assertThat(rows.get(1)).matches("\\d+,CC6.6 CC6.1,baseline,NET-001,NetworkDefaultDeny,shop,Namespace,shop,fail,NoDefaultDeny,"
                + "2025-01-01T02:00:00.000Z,\\d+,2025-01-01T02:01:00.000Z,\\d+,remediated,60");
        assertThat(rows.get(3)).endsWith(",open,");
    }

    @Test
    void badInputExitsTwo() {
        Path log = HandBuiltLog.write(tmp.resolve("evidence.jsonl"));
        assertThat(Run.cli("report", "--evidence-log", log.toString(), "--from", "yesterday", "--to", "2025-01-01").err())
                .contains("--from: 'yesterday' is not a date");
        assertThat(Run.cli("report", "--evidence-log", tmp.resolve("none").toString(), "--from", "2025-01-01", "--to", "2025-01-01").exitCode())
                .isEqualTo(2);
        assertThat(Run.cli("report", "--evidence-log", log.toString(), "--from", "2025-01-02", "--to", "2025-01-01").exitCode()).isEqualTo(2);
        assertThat(Run.cli("report", "--evidence-log", log.toString(), "--from", "2025-01-01", "--to", "2025-01-01", "--max-silence", "soon").err())
                .contains("not a duration");
    }

    @Test
    void maxSilenceOverridesTheHeartbeatInterval() {
        Path log = HandBuiltLog.write(tmp.resolve("evidence.jsonl"));
        Report r = new ReportBuilder(HandBuiltLog.DAY, HandBuiltLog.hour(24), Duration.ofHours(3)).build(log, null, HandBuiltLog.hour(24));
        assertThat(r.evidence().gaps()).isEmpty();
        assertThat(r.criteria().get(2).shares()).isEqualTo(new Report.Shares(0.75, 0.25, 0.0, 0.0));
    }
}

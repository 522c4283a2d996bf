package dev.evident.cli;

import static dev.evident.cli.Cli.namespace;
import static dev.evident.cli.Cli.policy;
import static dev.evident.cli.Cli.write;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.evident.evidence.EvidenceFiles;
import dev.evident.evidence.EvidenceRecord;
import dev.evident.evidence.RecordTypes;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `audit` reads ControlExceptions from --policy and applies them as the operator does. */
class AuditExceptionsTest {
    private static final String NOW = "2026-11-23T12:00:00Z";

    @TempDir
    Path dir;

    static String exception(String name, String policy, String namespaces, String expiresAt) {
        return """
                apiVersion: evident.dev/v1alpha1
                kind: ControlException
                metadata:
                  name: %s
                spec:
                  policy: %s
                  controls: [NET-001]
                  namespaces: %s
                  justification: "Rebuilt from source on every deploy; holds no state."
                  approvedBy: security-lead@example.com
                  ticket: SEC-1234
                  expiresAt: "%s"
                """.formatted(name, policy, namespaces, expiresAt);
    }

    private Path resources() {
        return write(dir, "cluster.yaml", namespace("legacy", "restricted") + "---\n" + namespace("web", "restricted"));
    }

    @Test
    void examplesExceptTheManagedControlPlaneAndKubeadmsPublicBinding() {
        Cli run = Cli.run("audit", "--policy", "examples/policies", "--policy", "examples/exceptions", "--resources", "examples/cluster",
                "--now", NOW);

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(1);
        assertThat(run.out()).containsPattern("soc2-baseline +RBAC-001 +excepted +- +ClusterRoleBinding +system:public-info-viewer +Anonymous")
                .containsPattern("soc2-baseline +ENC-002 +excepted +- +Cluster +kube-apiserver +ApiServerNotVisible")
                .containsPattern("soc2-baseline +AUD-001 +excepted +- +Cluster +kube-apiserver +ApiServerNotVisible")
                .contains("kubeadm-public-info-viewer (policy soc2-baseline): Active until 2027-02-15T00:00:00Z, excepts 1 finding")
                .contains("managed-control-plane-attestation (policy soc2-baseline): Active until 2027-02-15T00:00:00Z, excepts 2 findings");
        assertThat(run.err()).doesNotContain("not read");
    }

    @Test
    void expiredAndUnusedExceptionsAreListedAndExpiredOnesExceptNothing() throws Exception {
        Path policies = write(dir, "policies/policy.yaml", policy("baseline", "Audit"));
        write(dir, "policies/expired.yaml", exception("expired-waiver", "baseline", "[legacy]", "2026-11-01T00:00:00Z"));
        write(dir, "policies/unused.yaml", exception("unused-waiver", "baseline", "[nowhere]", "2027-01-31T00:00:00Z"));
        write(dir, "policies/active.yaml", exception("active-waiver", "baseline", "[web]", "2027-01-31T00:00:00Z"));

        Cli table = Cli.run("audit", "--policy", policies.getParent().toString(), "--resources", resources().toString(), "--now", NOW);

        assertThat(table.exitCode()).as(table.toString()).isEqualTo(1);
        assertThat(table.out()).containsPattern("baseline +NET-001 +fail +legacy")
                .containsPattern("baseline +NET-001 +excepted +web")
                .contains("expired-waiver (policy baseline): Expired at 2026-11-01T00:00:00Z, 1 finding no longer excepted")
                .contains("unused-waiver (policy baseline): Active until 2027-01-31T00:00:00Z, unused: matches no finding that needs it")
                .contains("active-waiver (policy baseline): Active until 2027-01-31T00:00:00Z, excepts 1 finding");

        Cli json = Cli.run("audit", "--policy", policies.getParent().toString(), "--resources", resources().toString(), "--now", NOW,
                "--output", "json");
        JsonNode report = new ObjectMapper().readTree(json.out());
        assertThat(report.at("/summary/excepted").asInt()).isEqualTo(1);
        assertThat(report.path("exceptions")).hasSize(3);
        JsonNode unused = report.path("exceptions").findParents("name").stream()
                .filter(e -> e.path("name").asText().equals("unused-waiver")).findFirst().orElseThrow();
        assertThat(unused.path("unused").asBoolean()).isTrue();
        assertThat(unused.path("state").asText()).isEqualTo("Active");
        JsonNode web = report.path("findings").findParents("namespace").stream()
                .filter(f -> f.path("namespace").asText().equals("web") && f.path("control").asText().equals("NET-001")).findFirst().orElseThrow();
        assertThat(web.path("result").asText()).isEqualTo("excepted");
        assertThat(web.path("message").asText()).contains("ControlException active-waiver");
        assertThat(web.path("remediation").isNull()).isTrue();
    }

    @Test
    void evidenceLogRecordsEachExceptionStateChangeOnce() {
        Path policies = write(dir, "policies/policy.yaml", policy("baseline", "Audit"));
        write(dir, "policies/waiver.yaml", exception("waiver", "baseline", "[legacy]", "2026-12-01T00:00:00Z"));
        Path log = dir.resolve("evidence.jsonl");
        String[] audit = {"audit", "--policy", policies.getParent().toString(), "--resources", resources().toString(), "--evidence-log", log.toString()};

        Cli.run(concat(audit, "--now", NOW));
        Cli.run(concat(audit, "--now", "2026-11-24T12:00:00Z"));
        Cli.run(concat(audit, "--now", "2026-12-01T00:00:00Z"));

        List<EvidenceRecord> exceptions = EvidenceFiles.records(log).stream().filter(r -> RecordTypes.EXCEPTION.equals(r.type())).toList();
        assertThat(exceptions).extracting(r -> r.data().path("state").asText()).containsExactly("Active", "Expired");
        assertThat(exceptions.get(0).data().path("approvedBy").asText()).isEqualTo("security-lead@example.com");
        assertThat(exceptions.get(0).data().path("covered").asInt()).isEqualTo(1);
        assertThat(EvidenceFiles.records(log).stream().filter(r -> RecordTypes.FINDING.equals(r.type()))
                .filter(r -> r.data().path("namespace").asText().equals("legacy") && r.data().path("control").asText().equals("NET-001")))
                .extracting(r -> r.data().path("result").asText()).containsExactly("excepted", "fail");
    }

    private static String[] concat(String[] args, String... more) {
        return java.util.stream.Stream.concat(java.util.Arrays.stream(args), java.util.Arrays.stream(more)).toArray(String[]::new);
    }

    @Test
    void everythingExceptedExitsZero() {
        Path policies = write(dir, "policies/policy.yaml", policy("baseline", "Audit").replaceAll("(?s)    - id: PSS-001.*", ""));
        write(dir, "policies/waiver.yaml", exception("all", "baseline", "[legacy, web]", "2027-01-31T00:00:00Z"));

        Cli run = Cli.run("audit", "--policy", policies.getParent().toString(), "--resources", resources().toString(), "--now", NOW);

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.out()).contains("2 excepted");
    }

    @Test
    void invalidExceptionIsBadInputNamingFileLineAndField() {
        Path policies = write(dir, "policies/policy.yaml", policy("baseline", "Audit"));
        Path waiver = write(dir, "policies/waiver.yaml", exception("too-long", "baseline", "[legacy]", "2027-12-31T00:00:00Z"));

        Cli run = Cli.run("audit", "--policy", policies.getParent().toString(), "--resources", resources().toString(), "--now", NOW);

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(2);
        assertThat(run.err().strip()).startsWith(waiver + ":12: exception too-long: spec.expiresAt: 2027-12-31T00:00:00Z is more than 90 days")
                .doesNotContain("Exception:").doesNotContain("java.");
        // The operator's maximum is configurable, and so is the audit's.
        Cli lenient = Cli.run("audit", "--policy", policies.getParent().toString(), "--resources", resources().toString(), "--now", NOW,
                "--max-exception-duration", "500");
        assertThat(lenient.exitCode()).as(lenient.toString()).isEqualTo(1);
    }

    @Test
    void exceptionOfAPolicyNotInTheInputIsBadInput() {
        Path policies = write(dir, "policies/policy.yaml", policy("baseline", "Audit"));
        Path waiver = write(dir, "policies/waiver.yaml", exception("orphan", "no-such-policy", "[legacy]", "2027-01-31T00:00:00Z"));

        Cli run = Cli.run("audit", "--policy", policies.getParent().toString(), "--resources", resources().toString(), "--now", NOW);

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(2);
        assertThat(run.err().strip()).isEqualTo(waiver + ":6: exception orphan: spec.policy: no ControlPolicy named no-such-policy under --policy");
    }

    @Test
    void schemaRequiredFieldMissingIsBadInput() {
        Path policies = write(dir, "policies/policy.yaml", policy("baseline", "Audit"));
        write(dir, "policies/waiver.yaml", exception("no-approver", "baseline", "[legacy]", "2027-01-31T00:00:00Z")
                .replace("  approvedBy: security-lead@example.com\n", ""));

        Cli run = Cli.run("audit", "--policy", policies.getParent().toString(), "--resources", resources().toString(), "--now", NOW);

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(2);
        assertThat(run.err()).contains("exception no-approver: spec.approvedBy: required");
    }
}

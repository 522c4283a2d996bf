package dev.evident.evidence;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code audit --evidence-log FILE}: a CI pipeline collects evidence too. */
class AuditEvidenceLogTest {
    @TempDir
    Path tmp;

    static final String POLICY = """
            apiVersion: evident.dev/v1alpha1
            kind: ControlPolicy
            metadata:
              name: baseline
              generation: 3
              managedFields:
                - manager: kubectl-client-side-apply
                  operation: Update
                  time: "2025-02-01T10:00:00Z"
                  fieldsType: FieldsV1
                  fieldsV1: {"f:spec": {"f:controls": {}}}
            spec:
              controls:
                - id: PSS-001
                  type: PodSecurityLevel
                  podSecurityLevel: {level: restricted}
            """;

    static String namespace(String name, String level) {
        return """
                apiVersion: v1
                kind: Namespace
                metadata:
                  name: %s
                  labels: {pod-security.kubernetes.io/enforce: %s}
                ---
                """.formatted(name, level);
    }

    private Run audit(Path log, String... namespaces) throws IOException {
        Path policy = Files.writeString(tmp.resolve("policy.yaml"), POLICY);
        Path resources = Files.writeString(tmp.resolve("cluster.yaml"), String.join("", namespaces));
        return Run.cli("audit", "--policy", policy.toString(), "--resources", resources.toString(), "--evidence-log", log.toString());
    }

    @Test
    void eachRunAppendsItsChangesAndASummary() throws IOException {
        Path log = tmp.resolve("ci/evidence.jsonl");
        Run first = audit(log, namespace("shop", "baseline"), namespace("web", "restricted"));
        assertThat(first.exitCode()).as(first.toString()).isEqualTo(1);
        List<EvidenceRecord> records = EvidenceFiles.records(log);
        assertThat(records).extracting(EvidenceRecord::type).containsExactly("policy", "finding", "finding", "run");
        EvidenceRecord policy = records.get(0);
        assertThat(policy.data().path("specHash").asText()).startsWith("sha256:");
        assertThat(policy.data().path("generation").asLong()).isEqualTo(3);
        assertThat(policy.data().path("changedBy").asText()).isEqualTo("kubectl-client-side-apply (Update)");
        assertThat(policy.data().path("controls").get(0).path("criteria").toString()).isEqualTo("[\"CC6.8\"]");
        EvidenceRecord shop = records.get(1);
        assertThat(shop.data().path("name").asText()).isEqualTo("shop");
        assertThat(shop.data().path("result").asText()).isEqualTo("fail");
        assertThat(shop.data().path("previous").isNull()).isTrue();
        assertThat(records.get(3).data().path("summary").path("fail").asInt()).isEqualTo(1);
        assertThat(records.get(3).data().path("summary").path("pass").asInt()).isEqualTo(1);

        // Nothing changed: only the summary.
        audit(log, namespace("shop", "baseline"), namespace("web", "restricted"));
        assertThat(EvidenceFiles.records(log)).extracting(EvidenceRecord::type).hasSize(5).last().isEqualTo("run");

        // shop fixed, web gone.
        Run third = audit(log, namespace("shop", "restricted"));
        assertThat(third.exitCode()).isZero();
        List<EvidenceRecord> after = EvidenceFiles.records(log);
        assertThat(after.subList(5, after.size())).extracting(r -> r.type() + " " + r.data().path("name").asText() + " "
                + r.data().path("previous").asText() + "->" + r.data().path("result").asText())
                .containsExactly("finding shop fail->pass", "finding web pass->removed", "run  ->");
        Run verify = Run.cli("evidence", "verify", log.toString());
        assertThat(verify.exitCode()).as(verify.toString()).isZero();
        assertThat(verify.out()).contains("intact: 8 records");
    }

    @Test
    void anUnwritableLogIsBadInput() throws IOException {
        Path blocker = Files.writeString(tmp.resolve("blocker"), "");
        Run run = audit(blocker.resolve("evidence.jsonl"), namespace("shop", "restricted"));
        assertThat(run.exitCode()).as(run.toString()).isEqualTo(2);
        assertThat(run.err()).contains("--evidence-log").contains("cannot write the evidence log");
    }
}

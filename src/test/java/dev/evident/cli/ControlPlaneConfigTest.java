package dev.evident.cli;

import static dev.evident.cli.Cli.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code audit --control-plane-config DIR}: AuditLogging and SecretsEncryptionAtRest check the files the flags name. */
class ControlPlaneConfigTest {
    @TempDir
    Path dir;

    private static final String POLICY = """
            apiVersion: evident.dev/v1alpha1
            kind: ControlPolicy
            metadata: {name: cp}
            spec:
              controls:
                - {id: AUD-001, type: AuditLogging}
                - {id: ENC-002, type: SecretsEncryptionAtRest}
            """;

    private static final String APISERVER = """
            apiVersion: v1
            kind: Pod
            metadata:
              name: kube-apiserver-cp1
              namespace: kube-system
              labels: {component: kube-apiserver, tier: control-plane}
            spec:
              containers:
                - name: kube-apiserver
                  image: registry.k8s.io/kube-apiserver:v1.31.0
                  command:
                    - kube-apiserver
                    - --audit-policy-file=/etc/kubernetes/audit/audit-policy.yaml
                    - --audit-log-path=/var/log/kubernetes/audit/audit.log
                    - --encryption-provider-config=/etc/kubernetes/enc/encryption-config.yaml
            ---
            apiVersion: v1
            kind: Namespace
            metadata: {name: kube-system}
            """;

    private JsonNode findings(Cli run) throws Exception {
        return new ObjectMapper().readTree(run.out()).get("findings");
    }

    @Test
    void exampleFilesAreCheckedAndPass() throws Exception {
        Path policy = write(dir, "policy.yaml", POLICY);
        Path resources = write(dir, "cluster.yaml", APISERVER);

        Cli run = Cli.run("audit", "--policy", policy.toString(), "--resources", resources.toString(),
                "--control-plane-config", "examples/control-plane", "--output", "json");

        assertEquals(0, run.exitCode(), run::toString);
        JsonNode findings = findings(run);
        assertEquals("AuditLoggingConfigured", findings.get(0).get("reason").asText());
        assertTrue(findings.get(0).get("message").asText().contains("pods/exec (level Request by rules[2])"), findings::toString);
        assertEquals("EncryptionProviderConfigured", findings.get(1).get("reason").asText());
        assertTrue(findings.get(1).get("message").asText().contains("encrypts secrets with aescbc"), findings::toString);
        assertTrue(!run.out().contains("ZXhhbXBsZS1rZXkt"), "the key never appears in findings");
    }

    @Test
    void withoutTheOptionTheFlagsAloneAreJudged() throws Exception {
        Cli run = Cli.run("audit", "--policy", write(dir, "policy.yaml", POLICY).toString(),
                "--resources", write(dir, "cluster.yaml", APISERVER).toString(), "--output", "json");

        assertEquals(0, run.exitCode(), run::toString);
        assertTrue(findings(run).get(0).get("message").asText().contains("give its file with --control-plane-config"), run::toString);
    }

    @Test
    void weakFilesFail() throws Exception {
        write(dir, "cp/audit-policy.yaml", """
                apiVersion: audit.k8s.io/v1
                kind: Policy
                rules:
                  - level: None
                    resources: [{group: "", resources: [secrets]}]
                  - level: Metadata
                """);
        write(dir, "cp/encryption-config.yaml", """
                apiVersion: apiserver.config.k8s.io/v1
                kind: EncryptionConfiguration
                resources:
                  - resources: [secrets]
                    providers: [{identity: {}}, {aescbc: {keys: [{name: k, secret: c2VjcmV0}]}}]
                """);
        Cli run = Cli.run("audit", "--policy", write(dir, "policy.yaml", POLICY).toString(),
                "--resources", write(dir, "cluster.yaml", APISERVER).toString(),
                "--control-plane-config", dir.resolve("cp").toString(), "--output", "json");

        assertEquals(1, run.exitCode(), run::toString);
        assertEquals("AuditPolicyIncomplete", findings(run).get(0).get("reason").asText());
        assertEquals("EncryptionProviderIdentity", findings(run).get(1).get("reason").asText());
        assertTrue(findings(run).get(1).get("message").asText().contains("encryption-config.yaml:1"), run::toString);
    }

    @Test
    void otherKindsInTheDirectoryAreBadInput() {
        write(dir, "cp/pod.yaml", APISERVER);
        Cli run = Cli.run("audit", "--policy", write(dir, "policy.yaml", POLICY).toString(),
                "--resources", write(dir, "cluster.yaml", APISERVER).toString(), "--control-plane-config", dir.resolve("cp").toString());

        assertEquals(2, run.exitCode(), run::toString);
        assertTrue(run.err().contains("pod.yaml:2: --control-plane-config reads audit.k8s.io Policy"), run::toString);
    }
}

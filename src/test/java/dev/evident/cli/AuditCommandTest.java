package dev.evident.cli;

import static dev.evident.cli.Cli.defaultDeny;
import static dev.evident.cli.Cli.namespace;
import static dev.evident.cli.Cli.policy;
import static dev.evident.cli.Cli.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuditCommandTest {
    @TempDir
    Path dir;

    private String policyFile() {
        return write(dir, "policy.yaml", policy("baseline", "Audit")).toString();
    }

    @Test
    void compliantResourcesExitZero() {
        Path resources = write(dir, "ok.yaml", namespace("payments", "restricted") + "---\n" + defaultDeny("payments"));

        Cli run = Cli.run("audit", "--policy", policyFile(), "--resources", resources.toString());

        assertEquals(0, run.exitCode(), run::toString);
        assertTrue(run.out().contains("Total: 1 policy, 2 findings: 2 pass, 0 fail"), run::toString);
        assertEquals("", run.err());
    }

    @Test
    void violationsExitOne() {
        Path resources = write(dir, "bad.yaml", namespace("web", "baseline"));

        Cli run = Cli.run("audit", "--policy", policyFile(), "--resources", resources.toString());

        assertEquals(1, run.exitCode(), run::toString);
        assertTrue(run.out().contains("LevelTooLow"), run::toString);
        assertTrue(run.out().contains("DefaultDenyMissing"), run::toString);
    }

    @Test
    void demoDataOfTheReadmeExitsOneWithReadableTable() {
        Cli run = Cli.run("audit", "--policy", "examples/policies", "--resources", "examples/cluster");

        assertEquals(1, run.exitCode(), run::toString);
        assertTrue(run.out().matches("(?s)POLICY +CONTROL +RESULT +NAMESPACE +KIND +NAME +REASON\n.*"), run::toString);
        assertRow(run, "soc2-baseline", "NET-001", "pass", "payments", "Namespace", "payments", "DefaultDenyPresent");
        assertRow(run, "soc2-baseline", "NET-001", "fail", "web", "Namespace", "web", "DefaultDenyMissing");
        assertRow(run, "soc2-baseline", "PSS-001", "fail", "web", "Namespace", "web", "LevelTooLow");
        assertRow(run, "soc2-baseline", "PSS-001", "fail", "analytics", "Namespace", "analytics", "LabelMissing");
        assertRow(run, "soc2-baseline", "RBAC-001", "fail", "-", "ClusterRoleBinding", "ci-deployer-admin", "ClusterAdminGrant");
        assertRow(run, "soc2-baseline", "ENC-001", "fail", "payments", "PersistentVolumeClaim", "ledger-archive", "RequiredParametersNotMet");
        assertRow(run, "soc2-baseline", "TLS-001", "fail", "payments", "Ingress", "checkout", "TlsSecretMissing");
        assertRow(run, "soc2-baseline", "ENC-002", "notApplicable", "-", "Cluster", "kube-apiserver", "ApiServerNotVisible");
        // Gateway API and Cilium objects in the input: their kinds are installed
        assertRow(run, "soc2-baseline", "TLS-002", "pass", "web", "Gateway", "storefront", "AllHostnamesCovered");
        assertRow(run, "soc2-baseline", "TLS-002", "fail", "payments", "Gateway", "api", "PlainTextListener");
        assertRow(run, "soc2-baseline", "TLS-002", "fail", "payments", "Gateway", "partners", "TlsSecretMissing");
        assertRow(run, "soc2-baseline", "TLS-002", "pass", "analytics", "Gateway", "warehouse", "AllHostnamesCovered");
        assertRow(run, "soc2-baseline", "NET-001", "fail", "analytics", "Namespace", "analytics", "DefaultDenyMissing");
        assertRow(run, "soc2-baseline", "CFG-001", "fail", "payments", "Deployment", "ledger", "CredentialsInConfig");
        assertRow(run, "soc2-baseline", "ENC-001", "fail", "payments", "StatefulSet", "kafka", "RequiredParametersNotMet");
        assertRow(run, "soc2-baseline", "ENC-001", "fail", "-", "PersistentVolume", "nfs-archive", "NoStorageClass");
        assertTrue(!run.out().contains("correct-horse-battery-staple"), "values are never printed");
        assertTrue(!run.out().contains(" kube-system "), "kube-system is excluded");
        assertTrue(run.out().contains("Hint: 6 failures of Audit-mode controls could be remediated in Enforce mode"), run::toString);
    }

    @Test
    void enforcePolicyPrintsTheRemediationPlan() {
        Cli run = Cli.run("audit", "--policy", "examples/enforce", "--resources", "examples/cluster");

        assertEquals(1, run.exitCode(), run::toString);
        String out = run.out();
        int plan = out.indexOf("Remediation plan");
        assertTrue(plan > 0, out);
        assertTrue(out.indexOf("NET-001    Namespace web: create NetworkPolicy web/evident-default-deny denying [Ingress, Egress] (DNS egress allowed)", plan) > 0, out);
        assertTrue(out.indexOf("Namespace analytics: create NetworkPolicy analytics/evident-default-deny", plan) > 0, out);
        assertTrue(!out.substring(plan).contains("Namespace payments"), "compliant namespaces need no plan");
        assertTrue(out.indexOf("TLS-001    Ingress payments/checkout:", plan) > 0, out);
        assertTrue(out.indexOf("RBAC-001   ClusterRoleBinding ci-deployer-admin: not remediated automatically (ClusterAdminGrant)", plan) > 0, out);
        // PSS-001 overrides the mode with Audit: its failures are a hint, not part of the plan
        assertTrue(!out.substring(plan).contains("PSS-001"), out);
        assertTrue(out.contains("Hint: 3 failures of Audit-mode controls"), out);
    }

    private static void assertRow(Cli run, String... cells) {
        String row = "(?m)^" + String.join(" +", java.util.Arrays.stream(cells).map(java.util.regex.Pattern::quote).toList()) + "$";
        assertTrue(java.util.regex.Pattern.compile(row).matcher(run.out()).find(), () -> "no row " + String.join(" ", cells) + " in\n" + run);
    }

    @Test
    void malformedYamlNamesFileAndLine() {
        Path bad = write(dir, "x.yaml", "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: a\n  labels: b: c\n");

        Cli run = Cli.run("audit", "--policy", policyFile(), "--resources", bad.toString());

        assertEquals(2, run.exitCode(), run::toString);
        assertEquals(bad + ":5: mapping values are not allowed here", run.err().strip());
        assertEquals("", run.out());
    }

    @Test
    void documentWithoutKindNamesFileAndLine() {
        Path bad = write(dir, "x.yaml", namespace("a", null) + "---\n# second\nmetadata: {name: b}\n");

        Cli run = Cli.run("audit", "--policy", policyFile(), "--resources", bad.toString());

        assertEquals(2, run.exitCode(), run::toString);
        assertEquals(bad + ":8: document has no kind and apiVersion", run.err().strip());
    }

    @Test
    void invalidPolicyNamesFileLineAndField() {
        Path policy = write(dir, "p.yaml", policy("broken", "Audit").replace("level: restricted", "level: strict")
                .replace("type: NetworkDefaultDeny", "type: NetworkDefaultDenial"));
        Path resources = write(dir, "ns.yaml", namespace("web", null));

        Cli run = Cli.run("audit", "--policy", policy.toString(), "--resources", resources.toString());

        assertEquals(2, run.exitCode(), run::toString);
        assertTrue(run.err().contains(policy + ":9: policy broken: spec.controls[0].type: unknown control type 'NetworkDefaultDenial'"), run::toString);
        assertTrue(run.err().contains(policy + ":13: policy broken: spec.controls[1].podSecurityLevel.level: must be baseline or restricted, got 'strict'"), run::toString);
        assertEquals("", run.out());
    }

    @Test
    void misspeltPolicyFieldIsAnErrorNotIgnored() {
        Path policy = write(dir, "p.yaml", policy("typo", "Audit").replace("podSecurityLevel: {level", "podSecurityLevl: {level"));

        Cli run = Cli.run("audit", "--policy", policy.toString(), "--resources", write(dir, "ns.yaml", namespace("a", null)).toString());

        assertEquals(2, run.exitCode(), run::toString);
        assertEquals(policy + ":13: policy typo: spec.controls[1].podSecurityLevl: unknown field", run.err().strip());
    }

    @Test
    void duplicatePolicyNamesAreAnError() {
        write(dir, "policies/a.yaml", policy("same", "Audit"));
        write(dir, "policies/b.yaml", policy("same", "Enforce"));

        Cli run = Cli.run("audit", "--policy", dir.resolve("policies").toString(), "--resources", write(dir, "ns.yaml", namespace("a", null)).toString());

        assertEquals(2, run.exitCode(), run::toString);
        assertTrue(run.err().contains("b.yaml:4: policy same: metadata.name: duplicate (also "), run::toString);
    }

    @Test
    void noPolicyFoundIsAnError() {
        Path notPolicies = write(dir, "ns.yaml", namespace("a", null));

        Cli run = Cli.run("audit", "--policy", notPolicies.toString(), "--resources", notPolicies.toString());

        assertEquals(2, run.exitCode(), run::toString);
        assertTrue(run.err().contains("no ControlPolicy"), run::toString);
    }

    @Test
    void missingFileIsAnError() {
        Cli run = Cli.run("audit", "--policy", policyFile(), "--resources", dir.resolve("nope.yaml").toString());

        assertEquals(2, run.exitCode(), run::toString);
        assertEquals(dir.resolve("nope.yaml") + ": no such file or directory", run.err().strip());
    }

    @Test
    void parameterErrorsExitTwo() {
        String policy = policyFile();
        assertEquals(2, Cli.run("audit", "--policy", policy, "--resources", policy, "--bogus").exitCode());
        assertEquals(2, Cli.run("audit", "--policy", policy).exitCode(), "one of --resources and --cluster is required");
        assertEquals(2, Cli.run("audit", "--policy", policy, "--resources", policy, "--cluster").exitCode(), "they exclude each other");
        Cli badOutput = Cli.run("audit", "--policy", policy, "--resources", policy, "--output", "xml");
        assertEquals(2, badOutput.exitCode());
        assertTrue(badOutput.err().contains("--output"), badOutput::toString);
        Cli badNow = Cli.run("audit", "--policy", policy, "--resources", policy, "--now", "yesterday");
        assertEquals(2, badNow.exitCode());
        assertTrue(badNow.err().contains("'yesterday' is not an RFC 3339 time"), badNow::toString);
    }

    @Test
    void nowIsAccepted() {
        Path resources = write(dir, "ok.yaml", namespace("payments", "restricted") + "---\n" + defaultDeny("payments"));
        assertEquals(0, Cli.run("audit", "--policy", policyFile(), "--resources", resources.toString(), "--now", "2024-12-31T23:59:59+01:00").exitCode());
    }

    @Test
    void stdinResources() {
        Cli run = Cli.runWithStdin(namespace("payments", "restricted") + "---\n" + defaultDeny("payments"),
                "audit", "--policy", policyFile(), "--resources", "-");

        assertEquals(0, run.exitCode(), run::toString);
        assertTrue(run.out().contains("2 pass"), run::toString);
    }

    @Test
    void malformedStdinIsNamed() {
        Cli run = Cli.runWithStdin("kind: [\n", "audit", "--policy", policyFile(), "--resources", "-");

        assertEquals(2, run.exitCode(), run::toString);
        assertTrue(run.err().startsWith("<stdin>:2: "), run::toString);
    }

    @Test
    void helpDoesNotStartTheOperator() {
        assertTrue(EvidentCommand.handles("audit", "--policy", "x"));
        assertTrue(EvidentCommand.handles("--help"));
        assertTrue(EvidentCommand.handles("help"));
        assertTrue(!EvidentCommand.handles());
        assertTrue(EvidentCommand.handles("-Dquarkus.http.port=0"), "only a start without arguments runs the operator");
        Cli help = Cli.run("audit", "--help");
        assertEquals(0, help.exitCode());
        assertTrue(help.out().contains("--resources") && help.out().contains("Exit codes"), help::toString);
    }
}

package dev.evident.cli;

import static dev.evident.cli.Cli.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code audit --output access-review}: per subject, every RBAC risk class it holds (issue 12 item 1). */
class AccessReviewReportTest {
    @TempDir
    Path dir;

    private static boolean hasRow(String out, String... cells) {
        return out.lines().anyMatch(line -> Arrays.asList(line.trim().split(" {2,}")).subList(0, Math.min(cells.length, line.trim().split(" {2,}").length))
                .equals(Arrays.asList(cells)));
    }

    @Test
    void exampleClusterListsEverySubjectWithEveryClassItHolds() {
        Cli run = Cli.run("audit", "--policy", "examples/policies", "--resources", "examples/cluster", "--output", "access-review");

        assertEquals(1, run.exitCode(), run::toString);
        String out = run.out();
        assertTrue(out.startsWith("Access review: policy soc2-baseline, control RBAC-001 (CC6.1, CC6.3)\nSUBJECT "), out);
        assertTrue(hasRow(out, "ServiceAccount vault/vault-sync", "secretsRead", "fail", "cluster", "ClusterRoleBinding vault-sync-secrets",
                "reads secrets: ClusterRole secret-syncer rules[0] (apiGroups [\"\"], resources [secrets], verbs [get, list, watch])"), out);
        assertTrue(hasRow(out, "ServiceAccount cert-manager/cert-manager", "secretsRead", "allowed", "cluster"), out);
        assertTrue(hasRow(out, "Group web-oncall", "podExec", "fail", "web", "RoleBinding web/oncall-debug",
                "create on pods/exec, pods/attach or pods/portforward: ClusterRole pod-debugger rules[1] (apiGroups [\"\"], resources [pods/exec], verbs [create])"),
                "through the aggregated ClusterRole web-oncall: " + out);
        assertTrue(hasRow(out, "Group system:masters", "clusterAdmin", "allowed", "cluster"), out);
        assertTrue(hasRow(out, "Group system:unauthenticated", "anonymous", "fail", "web"), out);
        assertTrue(!out.contains("keda-operator"), "KEDA's wildcard on external.metrics.k8s.io is no risk: " + out);
        assertTrue(!out.contains("ops-by-role"), "a ClusterRoleBinding to a Role grants nothing: " + out);
        assertTrue(out.contains("9 subjects hold 33 risk grants: 22 fail, 11 allowed, 0 not judged (class switched off)"), out);
    }

    @Test
    void classesSwitchedOffAreListedAsNotJudged() {
        Path policy = write(dir, "p.yaml", """
                apiVersion: evident.dev/v1alpha1
                kind: ControlPolicy
                metadata: {name: p}
                spec:
                  controls:
                    - id: RBAC-001
                      type: RbacLeastPrivilege
                """);
        Cli run = Cli.run("audit", "--policy", policy.toString(), "--resources", "examples/cluster", "--output", "access-review");

        assertTrue(hasRow(run.out(), "ServiceAccount vault/vault-sync", "secretsRead", "notJudged", "cluster"), run::toString);
        assertEquals(1, run.exitCode(), "the exit code follows the findings (ci-deployer-admin fails clusterAdmin): " + run);
    }

    @Test
    void policiesWithoutRbacControlSaySo() {
        Path policy = write(dir, "p.yaml", Cli.policy("net", "Audit"));
        Cli run = Cli.run("audit", "--policy", policy.toString(), "--resources", "examples/cluster", "--output", "access-review");

        assertEquals("No RbacLeastPrivilege control in the policies: nothing to review.\n", run.out(), run::toString);
    }

    @Test
    void controlCharactersInNamesCannotForgeRows() {
        Path policy = write(dir, "p.yaml", """
                apiVersion: evident.dev/v1alpha1
                kind: ControlPolicy
                metadata: {name: p}
                spec:
                  controls:
                    - id: RBAC-001
                      type: RbacLeastPrivilege
                """);
        Path resources = write(dir, "r.yaml", """
                apiVersion: rbac.authorization.k8s.io/v1
                kind: ClusterRoleBinding
                metadata: {name: evil}
                roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin}
                subjects:
                  - {kind: User, name: "mallory\\nGroup system:masters  clusterAdmin  allowed"}
                """);
        Cli run = Cli.run("audit", "--policy", policy.toString(), "--resources", resources.toString(), "--output", "access-review");

        assertTrue(run.out().contains("User mallory\\u000aGroup system:masters"), run::toString);
        assertTrue(!hasRow(run.out(), "Group system:masters", "clusterAdmin", "allowed"), run::toString);
    }

    @Test
    void helpListsTheFormat() {
        Cli run = Cli.run("audit", "--help");
        assertTrue(run.out().contains("access-review"), run::toString);
    }
}

package dev.evident.cli;

import static dev.evident.cli.Cli.defaultDeny;
import static dev.evident.cli.Cli.namespace;
import static dev.evident.cli.Cli.policy;
import static dev.evident.cli.Cli.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Bad, odd and hostile input: exit 2 with file and line, or read as the API server would; never a silent pass. */
class HostileInputTest {
    @TempDir
    Path dir;

    private String policyFile() {
        return write(dir, "policy.yaml", policy("baseline", "Audit")).toString();
    }

    private Cli audit(String resources, String... more) {
        Path file = write(dir, "in.yaml", resources);
        String[] args = {"audit", "--policy", policyFile(), "--resources", file.toString()};
        String[] all = new String[args.length + more.length];
        System.arraycopy(args, 0, all, 0, args.length);
        System.arraycopy(more, 0, all, args.length, more.length);
        return Cli.run(all);
    }

    private static void assertInputError(Cli run, String expected) {
        assertThat(run.exitCode()).as(run.toString()).isEqualTo(2);
        assertThat(run.err()).as(run.toString()).contains(expected).doesNotContain("Exception", "\tat ");
        assertThat(run.err().strip().lines().count()).as("one line: " + run).isEqualTo(1);
    }

    private String rbacPolicy(String settings) {
        return write(dir, "rbac.yaml", """
                apiVersion: evident.dev/v1alpha1
                kind: ControlPolicy
                metadata: {name: rbac}
                spec:
                  controls:
                    - id: RBAC-001
                      type: RbacLeastPrivilege
                %s
                """.formatted(settings)).toString();
    }

    // --- passes that must not pass ----------------------------------------------------------------------

    @Test
    void emptyInputsAreErrorsNotACompliantCluster() {
        assertInputError(audit(""), "in.yaml: no Kubernetes objects to audit");
        assertInputError(audit("---\n---\n# nothing\n"), "in.yaml: no Kubernetes objects to audit");
        assertInputError(Cli.runWithStdin("", "audit", "--policy", policyFile(), "--resources", "-"), "<stdin>: no Kubernetes objects");
        assertInputError(audit("apiVersion: v1\nkind: List\nitems: []\n"), "no Kubernetes objects");
        assertInputError(Cli.run("audit", "--policy", policyFile(), "--resources", policyFile()), "no Kubernetes objects");
    }

    @Test
    void enumsOnlyByNameAsTheSchemaSays() {
        for (String mode : new String[] {"1", "\"1\"", "enforce", "0"}) {
            Path file = write(dir, "p.yaml", policy("p", mode));
            Cli run = Cli.run("audit", "--policy", file.toString(), "--resources", write(dir, "ns.yaml", namespace("a", null)).toString());
            assertInputError(run, "p.yaml:6: policy p: spec.mode: must be one of Audit, Enforce");
        }
        Cli run = Cli.run("audit", "--policy", rbacPolicy("      rbacLeastPrivilege: {remediation: 1}"),
                "--resources", write(dir, "ns.yaml", namespace("a", null)).toString());
        assertInputError(run, "rbac.yaml:8: policy rbac: spec.controls[0].rbacLeastPrivilege.remediation: must be one of Report, RemoveSubjects, got 1");
        run = Cli.run("audit", "--policy", rbacPolicy("      rbacLeastPrivilege: {forbidAnonymous: \"false\"}"),
                "--resources", write(dir, "ns.yaml", namespace("a", null)).toString());
        assertInputError(run, "forbidAnonymous: must be true or false, got 'false'");
    }

    @Test
    void anObjectTwiceIsRefusedNamingBothPlaces() {
        Path resources = dir.resolve("cluster");
        write(resources, "a.yaml", namespace("a", null) + "---\n" + namespace("b", null));
        write(resources, "b.yaml", "apiVersion: v1\nkind: Namespace\nmetadata: {name: b, namespace: x}\n");
        assertInputError(Cli.run("audit", "--policy", policyFile(), "--resources", resources.toString()),
                "b.yaml:1: Namespace b is also at " + resources.resolve("a.yaml") + ":7; which one is meant is unclear (duplicate object)");
    }

    @Test
    void duplicateKeysAreRefused() {
        Cli run = audit("""
                apiVersion: v1
                kind: Namespace
                metadata:
                  name: a
                  labels:
                    pod-security.kubernetes.io/enforce: restricted
                    pod-security.kubernetes.io/enforce: privileged
                """);
        assertInputError(run, "in.yaml:7: duplicate key 'pod-security.kubernetes.io/enforce' (first on line 6)");
        Path json = write(dir, "in.json", "{\"apiVersion\": \"v1\", \"kind\": \"Namespace\",\n \"kind\": \"Namespace\"}");
        assertInputError(Cli.run("audit", "--policy", policyFile(), "--resources", json.toString()), "in.json:2: duplicate key 'kind'");
    }

    @Test
    void scalarsAreReadAsKubectlReadsThem() {
        Cli octal = audit("apiVersion: v1\nkind: Namespace\nmetadata: {name: a, labels: {mode: 0755, pod-security.kubernetes.io/enforce: restricted}}\n"
                + "---\n" + defaultDeny("a"), "--output", "json");
        assertThat(octal.exitCode()).as(octal.toString()).isZero();
        assertInputError(audit("apiVersion: v1\nkind: Namespace\nmetadata:\n  name: a\n  labels: {enabled: yes}\n"),
                "in.yaml:5: Namespace a: metadata.labels.enabled: must be a string (quote it), got true");
        assertInputError(audit("apiVersion: v1\nkind: Namespace\nmetadata:\n  name: a\n  labels: {version: 1.0}\n"),
                "metadata.labels.version: must be a string (quote it), got 1.0");
    }

    @Test
    void wrongTypesAreNamedInTheUsersWordsWithoutJavaTypes() {
        assertInputError(audit("""
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata: {name: p, namespace: a}
                spec:
                  podSelector: {}
                  egress:
                  - ports:
                    - port: true
                """), "in.yaml:8: NetworkPolicy p: spec.egress[0].ports[0].port: must be a number or a string, got true");
        Cli quantity = audit("apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata: {name: c, namespace: a}\n"
                + "spec: {resources: {requests: {storage: [1]}}}\n");
        assertThat(quantity.exitCode()).isEqualTo(2);
        assertThat(quantity.err()).startsWith(dir.resolve("in.yaml") + ":4: PersistentVolumeClaim c: spec.resources.requests.storage: ")
                .doesNotContain("io.fabric8", "`");
    }

    @Test
    void scalarLabelValueOfASelectorStaysAString() {
        Path selecting = write(dir, "sel.yaml", """
                apiVersion: evident.dev/v1alpha1
                kind: ControlPolicy
                metadata: {name: sel}
                spec:
                  namespaceSelector: {matchLabels: {mode: 0755}}
                  controls:
                    - id: PSS-001
                      type: PodSecurityLevel
                      podSecurityLevel: {level: restricted}
                """);
        Cli run = Cli.run("audit", "--policy", selecting.toString(), "--resources",
                write(dir, "ns.yaml", "apiVersion: v1\nkind: Namespace\nmetadata: {name: a, labels: {mode: '0755'}}\n").toString());
        assertThat(run.exitCode()).as(run.toString()).isEqualTo(1);
        assertThat(run.out()).contains("PSS-001  fail    a          Namespace  a     LabelMissing");
    }

    @Test
    void aListCutShortIsAnErrorNotAPartialAudit() {
        String export = "apiVersion: v1\nitems:\n- " + namespace("a", "restricted").replace("\n", "\n  ").strip() + "\n- "
                + defaultDeny("a").replace("\n", "\n  ").strip() + "\nkind: List\nmetadata: {resourceVersion: \"\"}\n";
        Cli whole = audit(export);
        assertThat(whole.exitCode()).as(whole.toString()).isZero();
        assertInputError(audit(export.substring(0, export.indexOf("kind: List"))), "in.yaml:1: a List without kind (cut short?)");
        Cli inItem = audit(export.substring(0, export.indexOf("policyTypes")));
        assertThat(inItem.exitCode()).as(inItem.toString()).isEqualTo(2);
    }

    @Test
    void documentsThatLookLikePoliciesAreErrors() {
        String bad = policy("good", "Audit") + "---\napiVersion: evident.dev/v1alpha1\nkind: ControlPolicies\nmetadata: {name: typo}\n";
        Cli run = Cli.run("audit", "--policy", write(dir, "p.yaml", bad).toString(),
                "--resources", write(dir, "ns.yaml", namespace("a", null)).toString());
        assertInputError(run, "p.yaml:16: kind ControlPolicies apiVersion evident.dev/v1alpha1 is not a policy this build reads");
        bad = policy("good", "Audit") + "---\napiVersion: evident.io/v1alpha1\nkind: ControlPolicy\nmetadata: {name: typo}\n";
        run = Cli.run("audit", "--policy", write(dir, "p.yaml", bad).toString(),
                "--resources", write(dir, "ns.yaml", namespace("a", null)).toString());
        assertInputError(run, "kind ControlPolicy apiVersion evident.io/v1alpha1 is not a policy");
    }

    @Test
    void whatIsNotReadIsNamedAndCounted() throws IOException {
        write(dir, "in/a.yaml", namespace("a", null) + """
                ---
                apiVersion: rbac.authorization.k8s.io/v1
                kind: ClusterRolebinding
                metadata: {name: typo}
                ---
                apiVersion: networking.k8s.io/v2
                kind: NetworkPolicy
                metadata: {name: future, namespace: a}
                """);
        write(dir, "elsewhere/b.yaml", namespace("b", null));
        Files.createSymbolicLink(dir.resolve("in/linked"), dir.resolve("elsewhere"));
        Files.createSymbolicLink(dir.resolve("in/gone.yaml"), dir.resolve("nowhere.yaml"));

        Cli run = Cli.run("audit", "--policy", policyFile(), "--resources", dir.resolve("in").toString(), "--output", "json");

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(1);
        assertThat(run.err()).contains("gone.yaml: dangling symbolic link, not read")
                .contains("a.yaml:7: ClusterRolebinding typo: kind ClusterRolebinding does not exist (did you mean ClusterRoleBinding?); not evaluated")
                .contains("a.yaml:11: NetworkPolicy future: apiVersion networking.k8s.io/v2 is not read");
        assertThat(run.out()).contains("\"notEvaluated\" : 3").contains("\"name\" : \"b\"");
    }

    // --- objects not judged -------------------------------------------------------------------------------

    @Test
    void namespacedObjectsAreJudgedWithoutTheirNamespaceObject() {
        String bindings = """
                apiVersion: rbac.authorization.k8s.io/v1beta1
                kind: RoleBinding
                metadata: {name: admin-all}
                roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin}
                subjects: [{kind: User, name: mallory, apiGroup: rbac.authorization.k8s.io}]
                ---
                apiVersion: rbac.authorization.k8s.io/v1
                kind: RoleBinding
                metadata: {name: app-admin, namespace: argocd}
                roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin}
                subjects: [{kind: ServiceAccount, name: app, namespace: argocd}]
                """;
        Path policy = write(dir, "p.yaml", Cli.policy("p", "Audit").replace("  controls:\n", """
                  controls:
                    - id: RBAC-001
                      type: RbacLeastPrivilege
                """));

        Cli run = Cli.run("audit", "--policy", policy.toString(), "--resources", write(dir, "rb.yaml", bindings).toString());

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(1);
        assertThat(run.out()).containsPattern("RBAC-001 +fail +default +RoleBinding +admin-all +ClusterAdminGrant")
                .containsPattern("RBAC-001 +fail +argocd +RoleBinding +app-admin +ClusterAdminGrant")
                .containsPattern("PSS-001 +fail +argocd +Namespace +argocd +LabelMissing");
        assertThat(run.err()).contains("not in the input, taken as existing with no labels: argocd, default");
        Cli json = Cli.run("audit", "--policy", policy.toString(), "--resources", dir.resolve("rb.yaml").toString(),
                "--namespace", "team", "--output", "json");
        assertThat(json.out()).contains("\"namespace\" : \"team\"")
                .contains("(Namespace team is not in the input: taken as existing, with no labels)");
    }

    @Test
    void v1beta1IngressIsReadInTheV1Shape() {
        Cli run = audit(namespace("web", "restricted") + "---\n" + defaultDeny("web") + """
                ---
                apiVersion: extensions/v1beta1
                kind: Ingress
                metadata: {name: shop, namespace: web}
                spec:
                  backend: {serviceName: shop, servicePort: 80}
                  rules:
                  - host: shop.example.com
                    http: {paths: [{path: /, backend: {serviceName: shop, servicePort: http}}]}
                """, "--output", "json");
        Path policy = write(dir, "tls.yaml", Cli.policy("p", "Audit").replace("  controls:\n", """
                  controls:
                    - id: TLS-001
                      type: IngressTLS
                """));
        run = Cli.run("audit", "--policy", policy.toString(), "--resources", dir.resolve("in.yaml").toString());
        assertThat(run.exitCode()).as(run.toString()).isEqualTo(1);
        assertThat(run.out()).containsPattern("TLS-001 +fail +web +Ingress +shop +HostsWithoutTls");
        assertThat(run.err()).isEmpty();
    }

    // --- crashes and hangs ----------------------------------------------------------------------------------

    @Test
    void brokenObjectsAreInputErrorsNotCrashes() {
        assertInputError(audit("apiVersion: v1\nkind: Namespace\nmetadata: {}\n---\napiVersion: v1\nkind: Namespace\nmetadata: {}\n"),
                "in.yaml:3: Namespace without metadata.name");
        Path ns = write(dir, "ns.yaml", namespace("a", null));
        for (String selector : new String[] {"{matchExpressions: [{}]}", "{matchExpressions: [null]}"}) {
            Path p = write(dir, "sel.yaml", policy("p", "Audit").replace("  controls:", "  namespaceSelector: " + selector + "\n  controls:"));
            Cli run = Cli.run("audit", "--policy", p.toString(), "--resources", ns.toString());
            assertThat(run.exitCode()).as(run.toString()).isEqualTo(2);
            assertThat(run.err()).startsWith(p + ":7: policy p: spec.namespaceSelector.matchExpressions[0]").doesNotContain("Exception");
        }
        Path p = write(dir, "types.yaml", policy("p", "Audit").replace("policyTypes: [Ingress, Egress]", "policyTypes: [Ingress, null]"));
        assertInputError(Cli.run("audit", "--policy", p.toString(), "--resources", ns.toString()),
                "types.yaml:10: policy p: spec.controls[0].networkDefaultDeny.policyTypes[1]: must not be null");
    }

    @Test
    void emptyMatchLabelValueIsPrunedAsTheApiServerDoes() {
        Path p = write(dir, "sel.yaml", policy("p", "Audit").replace("  controls:", "  namespaceSelector: {matchLabels: {team: }}\n  controls:"));
        Cli run = Cli.run("audit", "--policy", p.toString(), "--resources", write(dir, "ns.yaml", namespace("a", null)).toString());
        assertThat(run.exitCode()).as(run.toString()).isEqualTo(1);
        assertThat(run.out()).containsPattern("NET-001 +fail +a +Namespace");
    }

    @Test
    void unreadableDirectoryNamesTheReason() throws IOException {
        assumeFalse("root".equals(System.getProperty("user.name")), "root reads everything");
        Path locked = Files.createDirectories(dir.resolve("in/locked"));
        write(dir, "in/locked/a.yaml", namespace("a", null));
        Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("---------"));
        try {
            Cli run = Cli.run("audit", "--policy", policyFile(), "--resources", dir.resolve("in").toString());
            assertInputError(run, "locked: cannot read directory: permission denied");
        } finally {
            Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("rwx------"));
        }
    }

    @Test
    void typosAndStrayOptionsAreUsageErrorsNotTheOperator() {
        Cli typo = Cli.run("audti", "--policy", "p");
        assertThat(typo.exitCode()).isEqualTo(2);
        assertThat(typo.err()).contains("'audti'").contains("did you mean audit?");
        Cli options = Cli.run("--policy", "p", "--resources", "r");
        assertThat(options.exitCode()).isEqualTo(2);
        assertThat(EvidentCommand.handles("audti")).isTrue();
        assertThat(EvidentCommand.handles()).as("only no arguments starts the operator").isFalse();
    }

    @Test
    void closedStdinIsAnInputError() {
        CommandLine cli = EvidentCommand.commandLine(new java.io.InputStream() {
            @Override
            public int read() throws IOException {
                throw new IOException("stdin is closed");
            }
        }, Clock.systemUTC());
        StringWriter err = new StringWriter();
        cli.setErr(new PrintWriter(err));
        cli.setOut(new PrintWriter(new StringWriter()));
        int code = EvidentCommand.execute(cli, "audit", "--policy", policyFile(), "--resources", "-");
        assertThat(code).isEqualTo(2);
        assertThat(err.toString().strip()).isEqualTo("<stdin>: cannot read: stdin is closed");
    }

    @Test
    void hugeLinesFailAtOnceWithTheLine() {
        String huge = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c, namespace: a}\ndata:\n  big: " + "x".repeat(ManifestReader.MAX_LINE_CHARS + 10) + "\n";
        assertInputError(audit(huge), "in.yaml:5: line longer than");
        String hugeBlock = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c, namespace: a}\ndata:\n  big: |\n"
                + ("    " + "y".repeat(1000) + "\n").repeat(ManifestReader.MAX_VALUE_CHARS / 1000 + 10);
        assertInputError(audit(hugeBlock), "in.yaml:5: a value of");
    }

    @Test
    void outOfMemoryIsExitThreeWithOneLine() {
        @CommandLine.Command(name = "boom")
        class Boom implements Callable<Integer> {
            @Override
            public Integer call() {
                throw new OutOfMemoryError("Java heap space");
            }
        }
        CommandLine cli = new CommandLine(new Boom());
        StringWriter err = new StringWriter();
        cli.setErr(new PrintWriter(err));
        assertThat(EvidentCommand.execute(cli)).isEqualTo(EvidentCommand.EXIT_INTERNAL_ERROR);
        assertThat(err.toString().strip()).startsWith("evident: out of memory;").doesNotContain("\n");
    }

    @Test
    void aliasBombsAreRefused() {
        StringBuilder bomb = new StringBuilder("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c, namespace: a}\nx0: &a0 [lol, lol]\n");
        for (int i = 1; i < 40; i++) {
            bomb.append("x").append(i).append(": &a").append(i).append(" [*a").append(i - 1).append(", *a").append(i - 1).append("]\n");
        }
        Cli run = audit(bomb.toString());
        assertThat(run.exitCode()).as(run.toString()).isEqualTo(2);
        assertThat(run.err()).containsPattern("in.yaml:\\d+: (aliases expand to more than|more than 50 aliases)");
    }

    // --- valid input accepted --------------------------------------------------------------------------------

    @Test
    void largeListExportsJsonUtf16AndMergeKeysAreRead() {
        StringBuilder list = new StringBuilder("apiVersion: v1\nitems:\n");
        int count = 0;
        while (list.length() < 4 * 1024 * 1024) {
            list.append("- apiVersion: v1\n  kind: Namespace\n  metadata:\n    name: ns-").append(count++)
                    .append("\n    labels: {pod-security.kubernetes.io/enforce: restricted, team: platform, cost-centre: cc-1234}\n");
        }
        list.append("kind: List\nmetadata: {resourceVersion: \"\"}\n");
        Cli run = audit(list.toString(), "--output", "json");
        assertThat(run.exitCode()).as(run.err()).isEqualTo(1);
        assertThat(run.out()).contains("\"pass\" : " + count);

        Cli json = Cli.runWithStdin("{\"apiVersion\": \"v1\", \"kind\": \"List\", \"items\": [" + namespaceJson("j") + "]}",
                "audit", "--policy", policyFile(), "--resources", "-");
        assertThat(json.out()).as(json.toString()).containsPattern("PSS-001 +pass +j +Namespace");

        Path utf16 = dir.resolve("u16.yaml");
        writeBytes(utf16, ("\uFEFF" + namespace("sixteen", "restricted")).getBytes(StandardCharsets.UTF_16LE));
        Cli wide = Cli.run("audit", "--policy", policyFile(), "--resources", utf16.toString());
        assertThat(wide.out()).as(wide.toString()).containsPattern("PSS-001 +pass +sixteen +Namespace");

        Cli merged = audit("""
                apiVersion: v1
                kind: List
                items:
                - apiVersion: v1
                  kind: Namespace
                  metadata:
                    name: &name anchored
                    labels: &labels {pod-security.kubernetes.io/enforce: restricted}
                - apiVersion: v1
                  kind: Namespace
                  metadata:
                    name: merged
                    labels:
                      <<: *labels
                      team: x
                - apiVersion: networking.k8s.io/v1
                  kind: NetworkPolicy
                  metadata: {name: d, namespace: *name}
                  spec: {podSelector: {}, policyTypes: [Ingress, Egress]}
                """);
        assertThat(merged.out()).as(merged.toString())
                .containsPattern("NET-001 +pass +anchored +Namespace +anchored +DefaultDenyPresent")
                .containsPattern("PSS-001 +pass +merged +Namespace +merged +LevelSufficient");
    }

    private static String namespaceJson(String name) {
        return "{\"apiVersion\": \"v1\", \"kind\": \"Namespace\", \"metadata\": {\"name\": \"" + name
                + "\", \"labels\": {\"pod-security.kubernetes.io/enforce\": \"restricted\"}}}";
    }

    private static void writeBytes(Path file, byte[] bytes) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            out.write(bytes);
            Files.write(file, out.toByteArray());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    // --- messages --------------------------------------------------------------------------------------------

    @Test
    void locationsAreRight() {
        Path bad = dir.resolve("bad.yaml");
        byte[] head = "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ".getBytes(StandardCharsets.UTF_8);
        byte[] bytes = new byte[head.length + 3];
        System.arraycopy(head, 0, bytes, 0, head.length);
        bytes[head.length] = (byte) 0xff;
        bytes[head.length + 1] = (byte) 0xfe;
        bytes[head.length + 2] = '\n';
        writeBytes(bad, bytes);
        assertInputError(Cli.run("audit", "--policy", policyFile(), "--resources", bad.toString()), "bad.yaml:4: not valid UTF-8");
        assertInputError(audit("apiVersion: v1\nkind: Namespace\nmetadata: {name: a}\nx:\n  y: " + "[".repeat(300) + "]".repeat(300) + "\n"),
                "in.yaml:5: nesting deeper than");
    }

    @Test
    void controlCharactersCannotForgeRowsInAnyFormat() throws IOException {
        String evil = "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: \"evil\\nbaseline  NET-001  pass  x\\u001b[2J\"\n";
        Cli table = audit(evil);
        assertThat(table.out().lines().filter(l -> l.startsWith("baseline  NET-001  pass"))).isEmpty();
        assertThat(table.out()).contains("evil\\nbaseline  NET-001  pass  x\\u001b[2J");
        Cli json = audit(evil, "--output", "json");
        JsonNode names = new ObjectMapper().readTree(json.out()).path("findings");
        assertThat(names.get(0).path("name").asText()).isEqualTo("evil\nbaseline  NET-001  pass  x\u001b[2J");
        Cli junit = audit(evil, "--output", "junit");
        assertThat(junit.out()).contains("name=\"Namespace/evil\\nbaseline  NET-001  pass  x\\u001b[2J/evil");
    }
}

package dev.evident.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Seeded random mutations of valid inputs (truncation, deleted and duplicated lines, type swaps, odd scalars,
 * stray characters, huge values) in the policy and in the resources. Whatever the mutation: exit 0, 1 or 2,
 * never a stack trace, exit 2 names the file and the line; and mutations that keep the meaning (comments,
 * blank lines, quoting, document markers, flow style) keep the findings.
 */
class HostileInputPropertyTest {
    private static final long SEED = 8L;
    private static final int CASES = 250;
    private static final Pattern LOCATED = Pattern.compile("^\\S+\\.(yaml|json):\\d+: .+");
    private static final String[] ODD_VALUES = {
        "[]", "{}", "1", "-1", "0755", "1e3", "yes", "no", "on", "~", "null", "true", "\"\"", "''", "-", "&a", "*a", "*nowhere",
        "!!binary aGk=", "!!int x", "!custom x", "|", ">-", "? x", "[a, [b, {c: d}]]", "{a: }", "\"\\u0000\"", "'it''s'",
        "x".repeat(5000), "0x1F", ".inf", "1_000", "2025-01-01", "@x", "`x`", "%x", "<<: {}", "\t"};
    private static final String[] ODD_CHARACTERS = {"\t", "\u0000", "\u0007", "'", "\"", "{", "}", "[", "]", ":", "#", "&", "*", "!",
        "|", ">", "%", "@", "\uFEFF", "\r", "\u2028", "---\n", "...\n", "- ", ": "};

    @TempDir
    Path dir;

    private static final String POLICY = """
            apiVersion: evident.dev/v1alpha1
            kind: ControlPolicy
            metadata:
              name: baseline
            spec:
              mode: Audit
              namespaceSelector:
                matchExpressions:
                  - key: evident.dev/exempt
                    operator: DoesNotExist
              excludedNamespaces: [kube-system]
              controls:
                - id: NET-001
                  type: NetworkDefaultDeny
                  networkDefaultDeny:
                    policyTypes: [Ingress, Egress]
                    allowDns: true
                - id: PSS-001
                  type: PodSecurityLevel
                  podSecurityLevel:
                    level: restricted
                - id: RBAC-001
                  type: RbacLeastPrivilege
                  rbacLeastPrivilege:
                    forbidAnonymous: true
                    allowedSubjects:
                      - kind: Group
                        name: system:masters
            """;

    private static final String RESOURCES = """
            apiVersion: v1
            kind: Namespace
            metadata:
              name: payments
              labels:
                pod-security.kubernetes.io/enforce: restricted
                team: payments
            ---
            apiVersion: v1
            kind: Namespace
            metadata:
              name: web
              labels:
                pod-security.kubernetes.io/enforce: baseline
            ---
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata:
              name: deny-all
              namespace: payments
            spec:
              podSelector: {}
              policyTypes:
                - Ingress
                - Egress
              egress:
                - ports:
                    - protocol: UDP
                      port: 53
            ---
            apiVersion: rbac.authorization.k8s.io/v1
            kind: ClusterRoleBinding
            metadata:
              name: ci-admin
            roleRef:
              apiGroup: rbac.authorization.k8s.io
              kind: ClusterRole
              name: cluster-admin
            subjects:
              - kind: ServiceAccount
                name: ci
                namespace: web
            ---
            apiVersion: v1
            kind: List
            items:
              - apiVersion: rbac.authorization.k8s.io/v1
                kind: RoleBinding
                metadata:
                  name: viewers
                  namespace: web
                roleRef:
                  apiGroup: rbac.authorization.k8s.io
                  kind: ClusterRole
                  name: view
                subjects:
                  - kind: Group
                    name: system:unauthenticated
                    apiGroup: rbac.authorization.k8s.io
            """;

    @Test
    void noMutationCrashesPassesSilentlyOrLosesItsLocation() {
        JsonNode expected = findings(run(POLICY, RESOURCES));
        Random random = new Random(SEED);
        int exits2 = 0;
        for (int i = 0; i < CASES; i++) {
            boolean inPolicy = random.nextInt(3) == 0;
            String original = inPolicy ? POLICY : RESOURCES;
            boolean keepsMeaning = random.nextInt(4) == 0;
            String mutated = keepsMeaning ? harmless(original, random) : hostile(original, random);
            Cli run = inPolicy ? run(mutated, RESOURCES) : run(POLICY, mutated);
            String what = "case " + i + (inPolicy ? " (policy)" : " (resources)") + ":\n" + mutated + "\n" + run;

            assertThat(run.exitCode()).as(what).isBetween(0, 2);
            assertThat(run.err()).as(what).doesNotContain("Exception", "\tat ", "dev.evident", "com.fasterxml", "io.fabric8");
            if (run.exitCode() == 2) {
                exits2++;
                String first = run.err().lines().findFirst().orElse("");
                assertThat(first.matches(LOCATED.pattern()) || first.contains(": no Kubernetes objects to audit")
                        || first.contains(": no ControlPolicy")).as("names the file and line: " + what).isTrue();
            }
            if (keepsMeaning) {
                assertThat(run.exitCode()).as(what).isEqualTo(1);
                assertThat(findings(run)).as(what).isEqualTo(expected);
            }
        }
        assertThat(exits2).as("the hostile mutations are mostly refused").isGreaterThan(CASES / 4);
    }

    private Cli run(String policy, String resources) {
        try {
            Path p = Files.writeString(dir.resolve("policy.yaml"), policy);
            Path r = Files.writeString(dir.resolve("resources.yaml"), resources);
            return Cli.run("audit", "--policy", p.toString(), "--resources", r.toString(), "--output", "json");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static JsonNode findings(Cli run) {
        try {
            return new ObjectMapper().readTree(run.out()).path("findings");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A change that keeps the meaning for any YAML reader. */
    private static String harmless(String text, Random random) {
        List<String> lines = new ArrayList<>(text.lines().toList());
        int at = random.nextInt(lines.size());
        switch (random.nextInt(6)) {
            case 0 -> lines.add(at, "# a comment: [with] {odd} 'characters' \"here\"");
            case 1 -> lines.add(at, "");
            case 2 -> lines.set(at, lines.get(at) + "   # trailing comment");
            case 3 -> {
                // quote a plain string value
                for (int tries = 0; tries < 20; tries++) {
                    int line = random.nextInt(lines.size());
                    String l = lines.get(line);
                    int colon = l.indexOf(": ");
                    if (colon > 0 && !l.trim().startsWith("#")) {
                        String value = l.substring(colon + 2).trim();
                        if (value.matches("[A-Za-z][A-Za-z0-9:./_-]*") && !value.matches("true|false|yes|no|on|off|null")) {
                            lines.set(line, l.substring(0, colon + 2) + "\"" + value + "\"");
                            break;
                        }
                    }
                }
            }
            case 4 -> lines.add(0, "---");
            default -> {
                return text.replace("podSelector: {}", "podSelector:\n    {}").replace("\n---\n", "\n...\n---\n");
            }
        }
        return String.join("\n", lines) + "\n";
    }

    /** A change that may break the input, or change its meaning. */
    private static String hostile(String text, Random random) {
        List<String> lines = new ArrayList<>(text.lines().toList());
        int at = random.nextInt(lines.size());
        switch (random.nextInt(7)) {
            case 0 -> {
                return text.substring(0, random.nextInt(text.length()));
            }
            case 1 -> lines.remove(at);
            case 2 -> lines.add(at, lines.get(at));
            case 3 -> {
                String l = lines.get(at);
                int colon = l.indexOf(": ");
                String odd = ODD_VALUES[random.nextInt(ODD_VALUES.length)];
                lines.set(at, colon > 0 ? l.substring(0, colon + 2) + odd : l + " " + odd);
            }
            case 4 -> {
                String l = lines.get(at);
                int pos = random.nextInt(l.length() + 1);
                lines.set(at, l.substring(0, pos) + ODD_CHARACTERS[random.nextInt(ODD_CHARACTERS.length)] + l.substring(pos));
            }
            case 5 -> {
                String l = lines.get(at);
                lines.set(at, l.startsWith(" ") ? l.substring(1) : "  " + l);
            }
            default -> {
                String l = lines.get(at);
                int colon = l.indexOf(": ");
                String huge = "v".repeat(random.nextInt(10) == 0 ? ManifestReader.MAX_LINE_CHARS + 1 : 100_000);
                lines.set(at, colon > 0 ? l.substring(0, colon + 2) + huge : l + huge);
            }
        }
        return String.join("\n", lines) + "\n";
    }
}

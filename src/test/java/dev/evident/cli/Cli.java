package dev.evident.cli;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import picocli.CommandLine;

/** Runs the evident command line in-process with captured stdout and stderr. */
record Cli(int exitCode, String out, String err) {
    static final Instant NOW = Instant.parse("2025-03-01T12:00:00Z");

    static Cli run(String... args) {
        return runWithStdin("", args);
    }

    static Cli runWithStdin(String stdin, String... args) {
        InputStream in = new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = EvidentCommand.commandLine(in, Clock.fixed(NOW, ZoneOffset.UTC));
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        int code = EvidentCommand.execute(cli, args);
        return new Cli(code, out.toString(), err.toString());
    }

    static Path write(Path dir, String name, String content) {
        try {
            Path file = dir.resolve(name);
            Files.createDirectories(file.getParent());
            return Files.writeString(file, content);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static String policy(String name, String mode) {
        return """
                apiVersion: evident.dev/v1alpha1
                kind: ControlPolicy
                metadata:
                  name: %s
                spec:
                  mode: %s
                  controls:
                    - id: NET-001
                      type: NetworkDefaultDeny
                      networkDefaultDeny: {policyTypes: [Ingress, Egress], allowDns: true}
                    - id: PSS-001
                      type: PodSecurityLevel
                      podSecurityLevel: {level: restricted}
                """.formatted(name, mode);
    }

    static String namespace(String name, String pssLevel) {
        return """
                apiVersion: v1
                kind: Namespace
                metadata:
                  name: %s
                  labels: {%s}
                """.formatted(name, pssLevel == null ? "" : "pod-security.kubernetes.io/enforce: " + pssLevel);
    }

    static String defaultDeny(String namespace) {
        return """
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata: {name: deny-all, namespace: %s}
                spec:
                  podSelector: {}
                  policyTypes: [Ingress, Egress]
                """.formatted(namespace);
    }

    @Override
    public String toString() {
        return "exit " + exitCode + "\n--- stdout\n" + out + "--- stderr\n" + err;
    }
}

package dev.evident.evidence;

import dev.evident.cli.EvidentCommand;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import picocli.CommandLine;

/** Runs the evident command line in-process with captured stdout and stderr. */
record Run(int exitCode, String out, String err) {
    static final Instant NOW = Instant.parse("2025-03-01T12:00:00Z");

    static Run cli(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = EvidentCommand.commandLine(InputStream.nullInputStream(), Clock.fixed(NOW, ZoneOffset.UTC));
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        int code = cli.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    @Override
    public String toString() {
        return "exit " + exitCode + "\n--- stdout\n" + out + "--- stderr\n" + err;
    }
}

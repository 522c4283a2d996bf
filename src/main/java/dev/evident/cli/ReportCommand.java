package dev.evident.cli;

import dev.evident.evidence.Checkpoints;
import dev.evident.evidence.EvidenceFiles;
import dev.evident.evidence.Report;
import dev.evident.evidence.ReportBuilder;
import dev.evident.evidence.ReportOptions;
import dev.evident.evidence.ReportWriters;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code report}: the auditor's period report from an evidence log. */
@Command(name = "report",
        mixinStandardHelpOptions = true,
        description = "Report a period from an evidence log, per SOC 2 criterion: compliance, gaps, violations, exceptions, policy versions.",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:report written; the evidence chain verified",
            "1:report written, but the evidence chain did not verify (the report says where)",
            "2:bad input: unreadable log, bad date or option"})
public final class ReportCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--evidence-log", required = true, paramLabel = "<file|dir>", description = "The evidence log: a file or a directory of segments.")
    Path log;

    @Option(names = "--from", required = true, paramLabel = "<date|time>",
            description = "Start of the period: a date (2025-01-01, from 00:00 UTC) or an RFC 3339 time.")
    String from;

    @Option(names = "--to", required = true, paramLabel = "<date|time>",
            description = "End of the period: a date (the whole day is included) or an RFC 3339 time (exclusive).")
    String to;

    @Option(names = "--format", defaultValue = "json", paramLabel = "json|csv|html|oscal",
            description = "json (the whole report), csv (the violations, one a row), html (one page), oscal (OSCAL assessment results). Default: ${DEFAULT-VALUE}.")
    ReportWriters.Format format;

    @Option(names = "--out", paramLabel = "<file>", description = "Write the report here instead of stdout.")
    Path out;

    @Option(names = "--public-key", paramLabel = "<file>", description = "Also check the checkpoint signatures with this Ed25519 public key (PEM).")
    Path publicKey;

    @Option(names = "--max-silence", paramLabel = "<duration>",
            description = "Longest silence between heartbeat/run records that still counts as evidence (e.g. 10m, 25h). "
                    + "Default: twice the heartbeat interval the log records, or 10m. CI logs (one run a day) need about 25h.")
    String maxSilence;

    private final Clock clock;

    public ReportCommand(Clock clock) {
        this.clock = clock;
    }

    @Override
    public Integer call() {
        Instant[] period;
        Duration silence;
        try {
            period = ReportOptions.period(from, to);
            silence = maxSilence == null ? null : ReportOptions.duration("max-silence", maxSilence);
        } catch (IllegalArgumentException e) {
            throw new InputException("--" + e.getMessage());
        }
        PublicKey key = null;
        if (publicKey != null) {
            try {
                key = Checkpoints.publicKey(Files.readString(publicKey));
            } catch (IOException | IllegalArgumentException e) {
                throw new InputException(publicKey + ": " + e.getMessage());
            }
        }
        Report report;
        try {
            report = new ReportBuilder(period[0], period[1], silence).build(log, key, clock.instant());
        } catch (EvidenceFiles.UnreadableException e) {
            throw new InputException(e.getMessage());
        }
        if (out == null) {
            ReportWriters.write(report, format, spec.commandLine().getOut());
        } else {
            try (Writer writer = Files.newBufferedWriter(out, StandardCharsets.UTF_8)) {
                ReportWriters.write(report, format, writer);
            } catch (IOException e) {
                throw new InputException("--out " + out + ": cannot write: " + e.getMessage());
            }
        }
        if (!report.chain().verified()) {
            PrintWriter err = spec.commandLine().getErr();
            err.println(log + ": the evidence chain did NOT verify: " + report.chain().problem());
            err.flush();
            return 1;
        }
        return 0;
    }

}

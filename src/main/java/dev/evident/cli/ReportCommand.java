package dev.evident.cli;

import dev.evident.evidence.Checkpoints;
import dev.evident.evidence.EvidenceFiles;
import dev.evident.evidence.Report;
import dev.evident.evidence.ReportBuilder;
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
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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
    private static final Pattern DURATION = Pattern.compile("(\\d+)([smhd])");

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
        Instant start = parse("--from", from, false);
        Instant end = parse("--to", to, true);
        if (!start.isBefore(end)) {
            throw new InputException("--to: the period must end after it starts (" + start + " .. " + end + ")");
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
            report = new ReportBuilder(start, end, maxSilence == null ? null : duration(maxSilence)).build(log, key, clock.instant());
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

    private static Instant parse(String option, String value, boolean endOfDay) {
        try {
            if (value.length() == 10) {
                LocalDate date = LocalDate.parse(value);
                return (endOfDay ? date.plusDays(1) : date).atStartOfDay(ZoneOffset.UTC).toInstant();
            }
            return java.time.OffsetDateTime.parse(value.toUpperCase(Locale.ROOT)).toInstant();
        } catch (RuntimeException e) {
            throw new InputException(option + ": '" + value + "' is not a date (2025-01-31) or an RFC 3339 time (2025-01-31T09:00:00Z)");
        }
    }

    static Duration duration(String value) {
        Matcher m = DURATION.matcher(value.toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new InputException("--max-silence: '" + value + "' is not a duration such as 90s, 10m, 25h or 2d");
        }
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            default -> Duration.ofDays(n);
        };
    }
}

package dev.evident.cli;

import java.io.InputStream;
import java.time.Clock;
import java.util.Set;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code evident} command line: the top-level command that carries the subcommands. */
@Command(name = "evident",
        mixinStandardHelpOptions = true,
        versionProvider = EvidentCommand.Version.class,
        description = "SOC 2 controls as code. Without a subcommand the jar runs the Kubernetes operator.",
        subcommands = CommandLine.HelpCommand.class)
public final class EvidentCommand implements Runnable {
    /** Exit code for an unexpected failure of Evident itself, kept apart from 1 (violations) and 2 (bad input). */
    public static final int EXIT_INTERNAL_ERROR = 3;
    private static final Set<String> TOP_LEVEL_OPTIONS = Set.of("-h", "--help", "-V", "--version");

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /**
     * The command line with every subcommand. stdin and the clock come in from outside, so tests can
     * run it in-process.
     */
    public static CommandLine commandLine(InputStream stdin, Clock clock) {
        CommandLine cli = new CommandLine(new EvidentCommand())
                .addSubcommand(new AuditCommand(stdin, clock))
                .addSubcommand(new EvidenceCommand())
                .addSubcommand(new ReportCommand(clock));
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            if (e instanceof InputException) {
                commandLine.getErr().println(e.getMessage());
                commandLine.getErr().flush();
                return CommandLine.ExitCode.USAGE;
            }
            commandLine.getErr().println("evident: internal error: " + e);
            e.printStackTrace(commandLine.getErr());
            commandLine.getErr().flush();
            return EXIT_INTERNAL_ERROR;
        });
        return cli;
    }

    /** Whether the arguments ask for a CLI subcommand (or help) rather than the operator. */
    public static boolean handles(String... args) {
        if (args.length == 0) {
            return false;
        }
        return TOP_LEVEL_OPTIONS.contains(args[0])
                || commandLine(InputStream.nullInputStream(), Clock.systemUTC()).getSubcommands().containsKey(args[0]);
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = EvidentCommand.class.getPackage().getImplementationVersion();
            return new String[] {"evident " + (version == null ? "(development build)" : version)};
        }
    }
}

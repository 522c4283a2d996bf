package dev.evident.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code evident} command line: the top-level command that carries the subcommands. */
@Command(name = "evident",
        mixinStandardHelpOptions = true,
        versionProvider = EvidentCommand.Version.class,
        description = "SOC 2 controls as code. Started without arguments, the jar runs the Kubernetes operator.",
        subcommands = CommandLine.HelpCommand.class)
public final class EvidentCommand implements Runnable {
    /** Exit code for an unexpected failure of Evident itself, kept apart from 1 (violations) and 2 (bad input). */
    public static final int EXIT_INTERNAL_ERROR = 3;
    /** Printed as it is when memory runs out: building a message then could fail too. */
    private static final String OUT_OF_MEMORY = "evident: out of memory; give the JVM more heap (java -Xmx...) or audit fewer objects at once";

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
        cli.setParameterExceptionHandler((e, args) -> {
            CommandLine commandLine = e.getCommandLine();
            String suggestion = e instanceof CommandLine.UnmatchedArgumentException u && !u.getSuggestions().isEmpty()
                    ? " (did you mean " + String.join(" or ", u.getSuggestions()) + "?)" : "";
            commandLine.getErr().println(commandLine.getCommandName() + ": " + Text.escape(e.getMessage()) + suggestion
                    + "; see " + commandLine.getCommandSpec().qualifiedName() + " --help");
            commandLine.getErr().flush();
            return CommandLine.ExitCode.USAGE;
        });
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

    /**
     * Whether the command line, not the operator, handles these arguments: any argument at all. Only a start
     * without arguments (as the container runs it) starts the operator, so that a typo ({@code audti}) is a
     * usage error instead of an operator retrying an API server forever.
     */
    public static boolean handles(String... args) {
        return args.length > 0;
    }

    /**
     * The process's stdin, or a stream that reports it closed: started with stdin closed ({@code <&-}), the
     * JVM reuses descriptor 0 for a file of its own (the runtime image, a jar), which must not be read as input.
     */
    public static InputStream stdin() {
        try {
            String target = Files.readSymbolicLink(Path.of("/proc/self/fd/0")).toString();
            String javaHome = Path.of(System.getProperty("java.home")).toRealPath().toString();
            if (target.startsWith(javaHome + "/") || target.endsWith(".jar")) {
                return new InputStream() {
                    @Override
                    public int read() throws IOException {
                        throw new IOException("stdin is closed");
                    }
                };
            }
        } catch (IOException | RuntimeException e) {
            // no /proc (not Linux): stdin as it is
        }
        return System.in;
    }

    /** Runs the command line: its exit code, 3 with one line on stderr when memory or stack runs out. */
    public static int execute(CommandLine cli, String... args) {
        try {
            return cli.execute(args);
        } catch (OutOfMemoryError e) {
            cli.getErr().println(OUT_OF_MEMORY);
            cli.getErr().flush();
            return EXIT_INTERNAL_ERROR;
        } catch (StackOverflowError e) {
            cli.getErr().println("evident: input nested too deeply for the stack; give the JVM a larger stack (java -Xss...)");
            cli.getErr().flush();
            return EXIT_INTERNAL_ERROR;
        }
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = EvidentCommand.class.getPackage().getImplementationVersion();
            return new String[] {"evident " + (version == null ? "(development build)" : version)};
        }
    }
}

package dev.evident;

import dev.evident.cli.EvidentCommand;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.annotations.QuarkusMain;
import java.time.Clock;

/**
 * One jar, two programs: started without arguments (as the container runs it) it is the operator; with any
 * argument it is the command line ({@code audit}, {@code --help}, ...), which exits without starting Quarkus,
 * so no operator, no HTTP server and no cluster connection. A mistyped subcommand is a usage error (exit 2).
 */
@QuarkusMain
public class EvidentMain {

    public static void main(String... args) {
        if (EvidentCommand.handles(args)) {
            System.exit(EvidentCommand.execute(EvidentCommand.commandLine(EvidentCommand.stdin(), Clock.systemUTC()), args));
        }
        Quarkus.run(args);
    }
}

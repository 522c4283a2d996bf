package dev.evident;

import dev.evident.cli.EvidentCommand;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.annotations.QuarkusMain;
import java.time.Clock;

/**
 * One jar, two programs: {@code audit} (and the other CLI subcommands, or {@code --help}) runs picocli and
 * exits without starting Quarkus, so no operator, no HTTP server and no cluster connection; anything else
 * starts the operator.
 */
@QuarkusMain
public class EvidentMain {

    public static void main(String... args) {
        if (EvidentCommand.handles(args)) {
            System.exit(EvidentCommand.commandLine(System.in, Clock.systemUTC()).execute(args));
        }
        Quarkus.run(args);
    }
}

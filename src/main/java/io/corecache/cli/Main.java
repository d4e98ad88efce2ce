package io.corecache.cli;

import io.corecache.engine.StorageException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The {@code corecache} command: what {@code bin/corecache} runs. It only dispatches to subcommands.
 *
 * <p>To add a subcommand, write a picocli {@code @Command} class in this package and list it in
 * {@code subcommands} below; help, version and error handling come with it.
 */
@Command(
        name = "corecache",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        // Subcommands inherit --help, --version and the version provider.
        scope = CommandLine.ScopeType.INHERIT,
        description = "CoreCache: a distributed, replicated, persistent key-value store.",
        subcommands = {
                ServerCommand.class,
                ClusterCommand.class,
                TortureCommand.class,
        },
        footer = {"", "Run 'corecache <command> --help' for a command's options."})
public final class Main implements Runnable {

    /** Exit code when a command could not do its job (bad environment, I/O failure, a bug). */
    static final int EXIT_ERROR = 2;

    @Spec
    CommandSpec spec;

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The configured command line, shared by {@link #main} and tests so they see the same behaviour. */
    public static CommandLine commandLine() {
        return new CommandLine(new Main()).setExecutionExceptionHandler(Main::reportFailure);
    }

    /** Without a subcommand there is nothing to do: say what there is, and fail like any usage error. */
    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "Missing a command.");
    }

    /**
     * Failures a user can act on (a directory that cannot be written, an engine that cannot open) are
     * reported as one line; anything else is a bug and keeps its stack trace so it can be reported.
     */
    private static int reportFailure(Exception failure, CommandLine commandLine, CommandLine.ParseResult parsed) {
        var err = commandLine.getErr();
        if (failure instanceof IOException || failure instanceof UncheckedIOException
                || failure instanceof StorageException
                || failure instanceof CommandFailure) {
            err.println("corecache " + commandLine.getCommandName() + ": " + failure.getMessage());
        } else {
            failure.printStackTrace(err);
        }
        err.flush();
        return EXIT_ERROR;
    }
}

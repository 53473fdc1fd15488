package dev.pipelab.cli;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code pipelab} command. Exit codes: 0 success, 1 failure, 2 bad usage. */
@Command(
        name = "pipelab",
        mixinStandardHelpOptions = true,
        version = "PipeLab 0.1.0",
        description = "A pipe server with four concurrency strategies: threaded, overlapped, completion, virtual.",
        subcommands = {CompareCommand.class, ServeCommand.class, SendCommand.class, DemoCommand.class},
        footer = {"", "Start with: pipelab compare --quick --out report"})
public final class PipeLabCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(run(
                args,
                new PrintWriter(System.out, true, System.out.charset()),
                new PrintWriter(System.err, true, System.err.charset())));
    }

    /** Runs the command line {@code args}, printing to {@code out} and {@code err}; returns the exit code. */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        CommandLine cli = new CommandLine(new PipeLabCommand());
        cli.setOut(out);
        cli.setErr(err);
        cli.setExecutionExceptionHandler((e, line, parsed) -> {
            line.getErr()
                    .println(line.getColorScheme()
                            .errorText("pipelab " + line.getCommandName() + ": "
                                    + (e.getMessage() != null ? e.getMessage() : e.toString())));
            return 1;
        });
        return cli.execute(args);
    }

    @Override
    public void run() {
        // No subcommand: that is a usage error.
        throw new CommandLine.ParameterException(
                spec.commandLine(), "a subcommand is required: compare, serve, send or demo");
    }
}

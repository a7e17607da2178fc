package dev.vivarium.app;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.HelpCommand;

/** The {@code vivarium} command line: each subcommand is a small class in {@code app.cmd}. */
@Command(
        name = "vivarium",
        mixinStandardHelpOptions = true,
        versionProvider = Version.class,
        description = "Raise small networks, look inside them, fit laws, score predictions.",
        subcommands = {
            HelpCommand.class,
            // foundation
            dev.vivarium.app.cmd.RunCommand.class,
            dev.vivarium.app.cmd.RunsCommand.class,
            dev.vivarium.app.cmd.ShowCommand.class,
            dev.vivarium.app.cmd.ResumeCommand.class,
            dev.vivarium.app.cmd.PlotCommand.class,
            dev.vivarium.app.cmd.BenchCommand.class,
            // laws
            dev.vivarium.app.cmd.FitCommand.class,
            dev.vivarium.app.cmd.DetectCommand.class,
            dev.vivarium.app.cmd.PredictCommand.class,
            // lens
            dev.vivarium.app.cmd.LensCommand.class,
            dev.vivarium.app.cmd.AuditCommand.class,
            dev.vivarium.app.cmd.DiffCommand.class,
            // sweeps
            dev.vivarium.app.cmd.SweepCommand.class,
            dev.vivarium.app.cmd.StudyCommand.class,
            // queries and exports
            dev.vivarium.app.cmd.QueryCommand.class,
            dev.vivarium.app.cmd.ExportCommand.class,
            // dashboard and reports
            dev.vivarium.app.cmd.ServeCommand.class,
            dev.vivarium.app.cmd.ReportCommand.class,
        })
public final class Vivarium implements Runnable {
    /** Set to {@code 1} to have a failure's stack trace printed after its one line. */
    public static final String DEBUG_VARIABLE = "VIVARIUM_DEBUG";

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** The command line; every failure is one {@code error:} line, with its stack only if {@code $VIVARIUM_DEBUG=1}. */
    public static CommandLine commandLine() {
        return commandLine("1".equals(System.getenv(DEBUG_VARIABLE)));
    }

    /**
     * The command line. A failure while running prints one {@code error: ...} line (exit code 1, or 2 for
     * a bad value or recipe); a bad command line prints one line and a hint to {@code --help} (exit code
     * 2). With {@code debug} the stack trace follows the line.
     */
    public static CommandLine commandLine(boolean debug) {
        CommandLine cl = new CommandLine(new Vivarium()).setCaseInsensitiveEnumValuesAllowed(true);
        everyVersionIs(cl, new Version());
        cl.setExecutionExceptionHandler((e, commandLine, parseResult) -> report(e, commandLine, debug));
        // picocli hands only exceptions to the handler; errors (out of memory, a missing class) pass through
        cl.setExecutionStrategy(parseResult -> {
            try {
                return new CommandLine.RunLast().execute(parseResult);
            } catch (Error e) {
                CommandLine.ParseResult last = parseResult;
                while (last.hasSubcommand()) {
                    last = last.subcommand();
                }
                return report(e, last.commandSpec().commandLine(), debug);
            }
        });
        cl.setParameterExceptionHandler((e, args) -> {
            CommandLine where = e.getCommandLine();
            PrintWriter err = where.getErr();
            err.println("error: " + Failure.clean(String.valueOf(e.getMessage())));
            CommandLine.UnmatchedArgumentException.printSuggestions(e, err);
            err.println("see '" + where.getCommandSpec().qualifiedName() + " --help'");
            if (debug) {
                e.printStackTrace(err);
            }
            err.flush();
            return Failure.USAGE;
        });
        return cl;
    }

    /** {@code --version} of every subcommand says what the root's says (picocli leaves it empty otherwise). */
    private static void everyVersionIs(CommandLine cl, CommandLine.IVersionProvider version) {
        cl.getCommandSpec().versionProvider(version);
        cl.getSubcommands().values().forEach(sub -> everyVersionIs(sub, version));
    }

    /** Prints the one line for {@code e}, and its stack trace with {@code debug}; returns the exit code. */
    private static int report(Throwable e, CommandLine commandLine, boolean debug) {
        Failure f = Failure.of(e, commandLine.getCommandSpec().qualifiedName());
        PrintWriter err = commandLine.getErr();
        err.println("error: " + f.line());
        if (debug) {
            e.printStackTrace(err);
        }
        err.flush();
        return f.exitCode();
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }
}

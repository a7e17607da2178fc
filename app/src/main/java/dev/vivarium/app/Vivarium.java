package dev.vivarium.app;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code vivarium} command line: each subcommand is a small class in {@code app.cmd}. */
@Command(
        name = "vivarium",
        mixinStandardHelpOptions = true,
        versionProvider = Version.class,
        description = "Raise small networks, look inside them, fit laws, score predictions.",
        subcommands = {
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
        })
public final class Vivarium implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /** The command line, with errors a user caused printed as one clear line (exit code 2). */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Vivarium()).setCaseInsensitiveEnumValuesAllowed(true);
        cl.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            if (e instanceof dev.vivarium.core.recipe.RecipeException
                    || e instanceof IllegalArgumentException
                    || e instanceof IllegalStateException
                    || e instanceof java.io.IOException) {
                commandLine.getErr().println("error: " + e.getMessage());
                return 2;
            }
            throw e;
        });
        return cl;
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }
}

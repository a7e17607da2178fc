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
      // laws
      dev.vivarium.app.cmd.FitCommand.class,
      dev.vivarium.app.cmd.DetectCommand.class,
      dev.vivarium.app.cmd.PredictCommand.class,
    })
public final class Vivarium implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  public static CommandLine commandLine() {
    return new CommandLine(new Vivarium()).setCaseInsensitiveEnumValuesAllowed(true);
  }

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }
}

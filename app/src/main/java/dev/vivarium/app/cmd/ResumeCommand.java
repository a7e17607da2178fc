package dev.vivarium.app.cmd;

import dev.vivarium.app.progress.Progress;
import dev.vivarium.app.report.Curves;
import dev.vivarium.core.run.Experiment;
import dev.vivarium.store.run.RunDir;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code vivarium resume RUN}: continues a killed or failed run from its last checkpoint. */
@Command(name = "resume", mixinStandardHelpOptions = true, description = "Continue a killed run from its last checkpoint.")
public final class ResumeCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "RUN", description = "Run directory or run id.")
  String run;

  @Mixin RunsRoot runs;

  @Override
  public Integer call() throws Exception {
    Path dir = runs.resolve(run);
    try (Progress progress = Progress.forConsole(System.out)) {
      List<dev.vivarium.core.train.TrainListener> listeners = new java.util.ArrayList<>(List.of(progress));
      dev.vivarium.lens.run.LensListener.forRecipe(dev.vivarium.core.recipe.RecipeLoader.load(RunDir.open(dir).configFile(), List.of()),
          System.out).ifPresent(listeners::add); // the recipe's lens: block
      RunDir r = Experiment.resume(dir, listeners);
      if (r.readStatus().state() != dev.vivarium.store.run.RunState.COMPLETED) {
        System.out.println(ShowCommand.describe(r));
        return 3;
      }
      Curves.write(r.root().resolve("curves.png"), r.id(), r.metrics().read());
      System.out.println(ShowCommand.describe(r));
    }
    return 0;
  }
}

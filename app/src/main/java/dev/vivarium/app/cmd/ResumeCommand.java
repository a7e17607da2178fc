package dev.vivarium.app.cmd;

import dev.vivarium.app.progress.Progress;
import dev.vivarium.core.recipe.Recipe;
import dev.vivarium.core.recipe.RecipeLoader;
import dev.vivarium.core.run.Experiment;
import dev.vivarium.core.run.PopulationFolder;
import dev.vivarium.core.run.PopulationRun;
import dev.vivarium.store.run.RunDir;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code vivarium resume RUN}: continues a killed or failed run from its last checkpoint. */
@Command(
        name = "resume",
        mixinStandardHelpOptions = true,
        description =
                "Continue a killed run from its last checkpoint (a population's folder: all its unfinished members).")
public final class ResumeCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "RUN", description = RunLookup.RUN_DESCRIPTION)
    String run;

    @Mixin
    RunsRoot runs;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        Path dir = runs.resolve(run);
        if (PopulationFolder.is(dir)) { // every member that has not completed or failed, together
            java.util.List<Path> members = PopulationFolder.members(dir);
            PopulationRun.resume(members, System.err);
            return Training.reportPopulation(dir, members, spec.commandLine().getOut());
        }
        RunDir run = RunDir.open(dir);
        run.readStatus(); // a missing or corrupt status is named before the recipe is read
        Recipe recipe = RecipeLoader.load(run.configFile(), List.of());
        try (Progress progress = Progress.forConsole(System.out)) {
            return Training.report(
                    Experiment.resume(dir, Training.listeners(recipe, progress)),
                    spec.commandLine().getOut());
        }
    }
}

package dev.vivarium.core.run;

import dev.vivarium.core.recipe.RecipeLoader;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** A child process for the kill test: starts a recipe in a run directory and trains until killed. */
public final class KillableRun {
    private KillableRun() {}

    public static void main(String[] args) throws Exception {
        Experiment.start(
                RecipeLoader.load(Path.of(args[0]), List.of()), Path.of(args[1]), Optional.of(args[2]), List.of());
    }
}

package dev.vivarium.app.cmd;

import dev.vivarium.core.recipe.RecipeLoader;
import dev.vivarium.core.run.StepBenchmark;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code vivarium bench RECIPE}: milliseconds and GFLOP/s of a recipe's training step. */
@Command(
        name = "bench",
        mixinStandardHelpOptions = true,
        description = "Time a recipe's training steps (no logging, no evaluation) and report ms/step and GFLOP/s"
                + " (a population recipe: the step of all its members, computed as one).")
public final class BenchCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "RECIPE", description = "Recipe YAML file whose training step is timed.")
    Path recipe;

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Override a recipe value (repeatable).")
    List<String> overrides = new ArrayList<>();

    @Option(names = "--steps", description = "Timed steps (default: ${DEFAULT-VALUE}).", defaultValue = "200")
    int steps;

    @Option(names = "--warmup", description = "Untimed steps first (default: ${DEFAULT-VALUE}).", defaultValue = "20")
    int warmup;

    @Override
    public Integer call() throws java.io.IOException {
        if (steps < 1) {
            throw new IllegalArgumentException("--steps " + steps + ": must be >= 1");
        }
        if (warmup < 0) {
            throw new IllegalArgumentException("--warmup " + warmup + ": must be >= 0");
        }
        var population = dev.vivarium.core.recipe.PopulationSpec.load(recipe, overrides);
        int members = population.map(p -> p.members().size()).orElse(1);
        StepBenchmark.Result b = population.isPresent()
                ? StepBenchmark.runPopulation(population.get().members(), steps, warmup)
                : StepBenchmark.run(RecipeLoader.load(recipe, overrides), steps, warmup);
        PrintWriter out = spec.commandLine().getOut();
        out.printf(
                Locale.ROOT,
                "vivarium_ms_per_step=%.3f mean_ms=%.3f threads=%d members=%d steps=%d examples_per_step=%d"
                        + " gflop_per_step=%.4f gflops=%.2f full_model_gflop_per_step=%.4f%n",
                b.msPerStep(),
                b.msPerStepMean(),
                b.threads(),
                members,
                steps,
                b.examplesPerStep(),
                b.gflopPerStep(),
                b.gflops(),
                b.fullGflopPerStep());
        out.flush();
        return 0;
    }
}

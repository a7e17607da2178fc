package dev.vivarium.app.cmd;

import dev.vivarium.core.recipe.Recipe;
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
        description = "Time a recipe's training steps (no logging, no evaluation) and report ms/step and GFLOP/s.")
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
        Recipe r = RecipeLoader.load(recipe, overrides);
        StepBenchmark.Result b = StepBenchmark.run(r, steps, warmup);
        PrintWriter out = spec.commandLine().getOut();
        out.printf(
                Locale.ROOT,
                "vivarium_ms_per_step=%.3f mean_ms=%.3f threads=%d steps=%d examples_per_step=%d gflop_per_step=%.4f"
                        + " gflops=%.2f full_model_gflop_per_step=%.4f%n",
                b.msPerStep(),
                b.msPerStepMean(),
                b.threads(),
                steps,
                b.examplesPerStep(),
                b.gflopPerStep(),
                b.gflops(),
                b.fullGflopPerStep());
        out.flush();
        return 0;
    }
}

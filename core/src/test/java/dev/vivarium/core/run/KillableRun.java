package dev.vivarium.core.run;

import dev.vivarium.core.recipe.RecipeLoader;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * A child process for the kill tests: {@code RECIPE RUNS ID} starts a recipe in {@code RUNS/ID}, {@code
 * RECIPE RUNS ID resume} continues it; either trains until it ends or is killed.
 */
public final class KillableRun {
    private KillableRun() {}

    public static void main(String[] args) throws Exception {
        if (args.length > 3 && args[3].equals("resume")) {
            Experiment.resume(Path.of(args[1]).resolve(args[2]), List.of());
        } else {
            Experiment.start(
                    RecipeLoader.load(Path.of(args[0]), List.of()), Path.of(args[1]), Optional.of(args[2]), List.of());
        }
    }

    /** A child JVM running {@link #main} with {@code args}, its output in {@code log}. */
    static Process spawn(Path log, String... args) throws java.io.IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new java.util.ArrayList<>(List.of(
                java,
                "-Dai.djl.offline=true",
                "-cp",
                System.getProperty("java.class.path"),
                KillableRun.class.getName()));
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .start();
    }
}

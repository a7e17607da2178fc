package dev.vivarium.core.run;

import dev.vivarium.core.recipe.RecipeLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A child process for the population kill test: {@code RECIPE BASE DIR=OVERRIDES...} trains one member per
 * {@code DIR=OVERRIDES} argument (overrides comma-separated, after the comma-separated {@code BASE} ones) as one
 * population, until it ends or is killed.
 */
public final class KillablePopulation {
    private KillablePopulation() {}

    public static void main(String[] args) throws Exception {
        Path recipe = Path.of(args[0]);
        List<String> base = Arrays.asList(args[1].split(","));
        List<PopulationRun.Member> members = new ArrayList<>();
        for (int i = 2; i < args.length; i++) {
            int eq = args[i].indexOf('=');
            List<String> all = new ArrayList<>(base);
            all.addAll(Arrays.asList(args[i].substring(eq + 1).split(",")));
            members.add(new PopulationRun.Member(RecipeLoader.load(recipe, all), Path.of(args[i].substring(0, eq))));
        }
        PopulationRun.start(members, System.err);
    }

    /** A child JVM running {@link #main} with {@code args}, its output in {@code log}. */
    static Process spawn(Path log, String... args) throws java.io.IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>(List.of(
                java,
                "-Dai.djl.offline=true",
                "-cp",
                System.getProperty("java.class.path"),
                KillablePopulation.class.getName()));
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .start();
    }
}

package dev.vivarium.app.cmd;

import dev.vivarium.app.progress.Progress;
import dev.vivarium.core.recipe.PopulationSpec;
import dev.vivarium.core.recipe.Recipe;
import dev.vivarium.core.recipe.RecipeException;
import dev.vivarium.core.recipe.RecipeLoader;
import dev.vivarium.core.run.Experiment;
import dev.vivarium.core.run.Parent;
import dev.vivarium.core.run.PopulationFolder;
import dev.vivarium.core.run.PopulationRun;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code vivarium run RECIPE}: trains a recipe in a new run directory and draws its curves. */
@Command(name = "run", mixinStandardHelpOptions = true, description = "Train a recipe in a new run directory.")
public final class RunCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "RECIPE", description = "Recipe YAML file, e.g. recipes/grokking-quick.yaml.")
    Path recipe;

    @Option(
            names = "--set",
            paramLabel = "KEY=VALUE",
            description = "Override a recipe value, e.g. --set train.lr=3e-4 (repeatable).")
    List<String> overrides = new ArrayList<>();

    @Option(
            names = "--out",
            paramLabel = "DIR",
            description =
                    "Directory for this run, created new (default: a new directory under --runs, named after the recipe"
                            + " and the time).")
    Path out;

    @Mixin
    RunsRoot runs;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (out != null) {
            OutPath.newDirectory("--out", out);
        } else {
            OutPath.newDirectory("--runs", runs.dir());
        }
        Optional<PopulationSpec> population = PopulationSpec.load(recipe, overrides);
        Path root = out != null ? (out.getParent() == null ? Path.of(".") : out.getParent()) : runs.dir();
        Optional<String> id = out != null ? Optional.of(out.getFileName().toString()) : Optional.empty();
        if (population.isPresent()) {
            return population(population.get(), root, id);
        }
        Recipe r = parent(RecipeLoader.load(recipe, overrides));
        try (Progress progress = Progress.forConsole(System.out)) {
            if (r.init().isPresent()) {
                System.out.println(
                        "fine-tuning from step " + r.init().get().step().orElseThrow() + " of "
                                + r.init().get().run());
            }
            return Training.report(
                    Experiment.start(r, root, id, Training.listeners(r, progress)),
                    spec.commandLine().getOut());
        }
    }

    /**
     * A recipe with a {@code population:} block: every member checked (and the population's memory) before the
     * folder is made, then trained as one computation, each member its own run directory in the folder.
     */
    private int population(PopulationSpec pop, Path root, Optional<String> id) throws Exception {
        PopulationRun.requireCompatible(pop.members());
        Recipe first = pop.members().get(0);
        String name = id.orElseGet(() -> first.name() + "-"
                + java.time.LocalDateTime.now()
                        .format(java.time.format.DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
        Path folder = root.resolve(name).toAbsolutePath().normalize();
        for (int i = 2; id.isEmpty() && java.nio.file.Files.exists(folder); i++) {
            folder = root.resolve(name + "-" + i).toAbsolutePath().normalize();
        }
        System.out.println("training a population of " + pop.members().size() + " " + first.name()
                + " models as one computation in " + folder);
        List<PopulationRun.Member> members = PopulationFolder.create(folder, pop);
        PopulationRun.start(members, System.err);
        return Training.reportPopulation(
                folder,
                members.stream().map(PopulationRun.Member::dir).toList(),
                spec.commandLine().getOut());
    }

    /**
     * A fine-tune's {@code init.run} found as any command finds a RUN (a path, an id or unique prefix under
     * --runs, or 'latest') and resolved to the parent's checkpoint; errors name the recipe file.
     */
    private Recipe parent(Recipe r) {
        if (r.init().isEmpty()) {
            return r;
        }
        String given = r.init().get().run();
        try {
            Path dir =
                    (Path.of(given).isAbsolute() ? Path.of(given) : RunLookup.find(given, runs.dir())).toAbsolutePath();
            return Parent.resolve(r.withInit(r.init().get().withRun(dir.toString())), runs.dir());
        } catch (RecipeException e) {
            throw new RecipeException(recipe + ": " + e.getMessage(), e);
        } catch (IllegalArgumentException e) {
            throw new RecipeException(recipe + ": init.run: " + e.getMessage(), e);
        }
    }
}

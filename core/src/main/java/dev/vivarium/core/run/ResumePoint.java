package dev.vivarium.core.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.vivarium.core.recipe.Recipe;
import dev.vivarium.core.recipe.RecipeLoader;
import dev.vivarium.core.train.Trainer;
import dev.vivarium.store.io.Problems;
import dev.vivarium.store.run.RunDir;
import dev.vivarium.store.safetensors.Safetensors;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Where a killed run continues: its newest usable checkpoint, loaded into the trainer's model and optimizer.
 * A checkpoint is usable when both its files are whole, finite and of its step (see {@link Checkpoints#load});
 * one that is not — a symbolic link (perhaps out of the run), a directory, a truncated or corrupt file — is
 * skipped and named, and an older one is used. None usable is an error, never a silent restart from step 0.
 * A {@code config.yaml} edited since the checkpoint was written is refused, naming the field: the run would
 * otherwise continue under a recipe that did not make it.
 *
 * @param step the checkpoint's step; training continues from here
 * @param wallSeconds wall seconds the run had trained when the checkpoint was written
 * @param skipped one line for each newer checkpoint that could not be used, and why
 */
record ResumePoint(long step, double wallSeconds, List<String> skipped) {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    ResumePoint {
        skipped = List.copyOf(skipped);
    }

    /**
     * Loads the newest usable checkpoint of {@code run} into {@code trainer}; empty when the run has no
     * checkpoint entry at all (it died before writing step 0: it starts again from the beginning).
     *
     * @throws IOException when no checkpoint entry is usable (listing each and why), or config.yaml was edited
     */
    static Optional<ResumePoint> choose(RunDir run, Recipe recipe, Trainer trainer) throws IOException {
        return choose(run, recipe, trainer.model(), trainer.optimizer(), Long.MAX_VALUE);
    }

    /**
     * As {@link #choose(RunDir, Recipe, Trainer)}, into {@code model} and {@code optimizer}, among the checkpoints
     * of steps up to {@code atMost} (a population continues all its members from one step).
     */
    static Optional<ResumePoint> choose(
            RunDir run,
            Recipe recipe,
            dev.vivarium.core.model.Model model,
            dev.vivarium.core.train.Optimizer optimizer,
            long atMost)
            throws IOException {
        List<Long> steps =
                run.checkpointEntrySteps().stream().filter(s -> s <= atMost).toList();
        List<String> skipped = new ArrayList<>();
        long baseUpdates = steps.isEmpty() ? 0 : Parent.baseUpdates(recipe);
        for (int i = steps.size() - 1; i >= 0; i--) {
            long step = steps.get(i);
            Path file = run.checkpointFile(step);
            String problem = entryProblem(run, step);
            if (problem == null) {
                try {
                    requireSameRecipe(file, recipe, run);
                    Checkpoints.Loaded loaded = Checkpoints.load(run, step, model, optimizer, baseUpdates);
                    return Optional.of(new ResumePoint(step, loaded.wallSeconds(), skipped));
                } catch (ConfigEdited e) {
                    throw new IOException(e.getMessage());
                } catch (IOException | RuntimeException e) {
                    problem = Problems.oneLine(e);
                }
            }
            skipped.add("skipped checkpoint " + run.root().relativize(file) + ": " + problem);
        }
        if (steps.isEmpty()) {
            return Optional.empty();
        }
        throw new IOException(
                "run " + run.root() + " has no usable checkpoint to resume from: " + String.join("; ", skipped));
    }

    private static String entryProblem(RunDir run, long step) {
        Path file = run.checkpointFile(step);
        if (Files.isSymbolicLink(file)) {
            return "is a symbolic link (a checkpoint must be a file inside its run)";
        }
        if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
            return Files.isDirectory(file, LinkOption.NOFOLLOW_LINKS) ? "is a directory" : "is not a regular file";
        }
        Path opt = run.optimizerFile(step);
        if (Files.isSymbolicLink(opt) || !Files.isRegularFile(opt, LinkOption.NOFOLLOW_LINKS)) {
            return "its optimizer file " + opt.getFileName() + " is missing or not a regular file";
        }
        return null;
    }

    /** The recipe in the checkpoint's metadata must be the one config.yaml resolves to now. */
    private static void requireSameRecipe(Path file, Recipe recipe, RunDir run) throws IOException {
        String recorded = Safetensors.read(file).metadata().get("recipe");
        if (recorded == null) {
            return; // checked again, with its error, when the checkpoint is loaded
        }
        JsonNode then = JSON.readTree(recorded);
        JsonNode now = JSON.readTree(RecipeLoader.toJson(recipe));
        Optional<String> diff = firstDifference("", then, now);
        if (diff.isPresent()) {
            throw new ConfigEdited(
                    run.configFile() + " was edited after " + run.root().relativize(file)
                            + " was written: " + diff.get() + "; a run continues only under the recipe that made it"
                            + " (to train the edited recipe, start a new run: vivarium run " + run.configFile() + ")");
        }
    }

    static Optional<String> firstDifference(String path, JsonNode a, JsonNode b) {
        if (a.isObject() && b.isObject()) {
            List<String> names = new ArrayList<>();
            a.fieldNames().forEachRemaining(names::add);
            b.fieldNames().forEachRemaining(n -> {
                if (!names.contains(n)) {
                    names.add(n);
                }
            });
            for (String n : names) {
                JsonNode x = a.get(n);
                JsonNode y = b.get(n);
                String p = path.isEmpty() ? n : path + "." + n;
                if (x == null || y == null) {
                    return Optional.of(p + " is " + (x == null ? "new" : "gone"));
                }
                Optional<String> d = firstDifference(p, x, y);
                if (d.isPresent()) {
                    return d;
                }
            }
            return Optional.empty();
        }
        if (a.equals(b)) {
            return Optional.empty();
        }
        return Optional.of(path + " was " + a + " and is now " + b);
    }

    private static final class ConfigEdited extends IOException {
        private static final long serialVersionUID = 1L;

        ConfigEdited(String message) {
            super(message);
        }
    }
}

package dev.vivarium.core.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.vivarium.core.model.Model;
import dev.vivarium.core.recipe.Init;
import dev.vivarium.core.recipe.Recipe;
import dev.vivarium.core.recipe.RecipeException;
import dev.vivarium.core.recipe.RecipeLoader;
import dev.vivarium.core.train.Optimizer;
import dev.vivarium.store.run.RunDir;
import dev.vivarium.store.safetensors.DType;
import dev.vivarium.store.safetensors.Safetensors;
import dev.vivarium.store.safetensors.SafetensorsFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The run a fine-tune starts from ({@link Recipe#init}): found, checked against the recipe, and loaded into the
 * new run's model (and optimizer). The parent is only ever read: nothing here opens a file of it for writing,
 * takes its lock or touches its status, so a parent may be read-only, or still training.
 *
 * <p>A recipe's {@code init} is resolved once, when its run starts: the parent's absolute path, the step (its
 * newest checkpoint when none was given) and the SHA-256 of that weights file go into the run's
 * {@code config.yaml}, and the parent's id, step and checksum into every checkpoint's metadata. A parent whose
 * checkpoint no longer has that checksum is refused, on start and on resume.
 */
public final class Parent {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private Parent() {}

    /**
     * The recipe with its {@code init} made explicit: the parent's absolute directory ({@code run} relative to
     * {@code runsRoot} unless absolute), the checkpoint step and its checksum. A recipe without {@code init} is
     * returned as it is.
     *
     * @throws RecipeException naming the {@code init} field, when the parent, its checkpoint or its optimizer
     *     state is missing, its checksum differs from a recorded one, or its architecture is not the recipe's
     */
    public static Recipe resolve(Recipe recipe, Path runsRoot) {
        if (recipe.init().isEmpty()) {
            return recipe;
        }
        Init init = recipe.init().get();
        Path dir = Path.of(init.run());
        dir = (dir.isAbsolute() ? dir : runsRoot.resolve(dir)).toAbsolutePath().normalize();
        RunDir parent;
        try {
            parent = RunDir.open(dir);
        } catch (IOException e) {
            throw new RecipeException("init.run: " + e.getMessage());
        }
        long step;
        try {
            step = init.step().isPresent()
                    ? init.step().get()
                    : parent.lastCheckpointStep()
                            .orElseThrow(
                                    () -> new RecipeException("init.run: run " + parent.root() + " has no checkpoint"));
        } catch (IOException e) {
            throw new RecipeException(
                    "init.run: cannot list the checkpoints of " + parent.root() + ": " + e.getMessage());
        }
        Checkpoint c = read(parent, step, init.sha256());
        Optional<String> diff = ResumePoint.firstDifference("model", c.metaJson("config"), modelTree(recipe));
        if (diff.isPresent()) {
            throw new RecipeException("init: the parent checkpoint " + c.path() + " is of another architecture: "
                    + diff.get() + " in this recipe; a fine-tune keeps its parent's model block");
        }
        if (init.optimizer()) {
            Path opt = parent.optimizerFile(step);
            if (!Files.isRegularFile(opt, LinkOption.NOFOLLOW_LINKS)) {
                throw new RecipeException("init.optimizer: true, but " + opt + " is missing or not a regular file");
            }
            String parentRecipe = c.file().metadata().getOrDefault("recipe", "");
            String ours = recipe.train().optimizer().yamlName();
            try {
                String theirs = JSON.readTree(parentRecipe)
                        .path("train")
                        .path("optimizer")
                        .asText();
                if (!theirs.equals(ours)) {
                    throw new RecipeException("init.optimizer: true, but the parent trained with " + theirs
                            + " and this recipe with " + ours + "; an optimizer's state carries over only to itself");
                }
            } catch (IOException e) {
                throw new RecipeException("init: " + c.path() + ": the recipe in its __metadata__ is not JSON");
            }
        }
        return recipe.withInit(init.resolved(dir.toString(), step, c.sha256()));
    }

    private static JsonNode modelTree(Recipe recipe) {
        try {
            return JSON.readTree(RecipeLoader.toJson(recipe.model()));
        } catch (IOException e) {
            throw new IllegalStateException("cannot read back the model config", e);
        }
    }

    /**
     * Loads the parent's weights (and optimizer state when {@code init.optimizer}) of a resolved recipe into a
     * fresh run's model and optimizer; does nothing for a recipe without {@code init}.
     */
    public static void load(Recipe recipe, Model model, Optimizer optimizer) throws IOException {
        if (recipe.init().isEmpty()) {
            return;
        }
        Init init = recipe.init().get();
        RunDir parent = RunDir.open(Path.of(init.run()));
        long step = init.step().orElseThrow();
        Checkpoint c = read(parent, step, init.sha256());
        Checkpoints.loadWeights(c.file(), c.path(), model);
        if (init.optimizer()) {
            Path opt = parent.optimizerFile(step);
            SafetensorsFile o = Safetensors.read(opt);
            for (Map.Entry<String, dev.vivarium.store.safetensors.Tensor> e :
                    o.tensors().entrySet()) {
                if (e.getValue().dtype() == DType.F32) {
                    Checkpoints.requireFinite(e.getValue(), opt, e.getKey());
                }
            }
            optimizer.load(o.tensors(), updates(o, opt), opt.toString());
        }
    }

    /** Loads the parent's weights of a resolved recipe into {@code model} (a reference model, say). */
    public static void loadWeights(Recipe recipe, Model model) throws IOException {
        Init init = recipe.init().orElseThrow(() -> new IllegalArgumentException("the recipe has no init"));
        RunDir parent = RunDir.open(Path.of(init.run()));
        Checkpoint c = read(parent, init.step().orElseThrow(), init.sha256());
        Checkpoints.loadWeights(c.file(), c.path(), model);
    }

    /**
     * The optimizer updates a fine-tune's count starts from: the parent's when its state is carried over, else
     * 0. A checkpoint of step S of the fine-tune has had this many plus S updates.
     */
    static long baseUpdates(Recipe recipe) throws IOException {
        if (recipe.init().isEmpty() || !recipe.init().get().optimizer()) {
            return 0;
        }
        Init init = recipe.init().get();
        Path opt = RunDir.open(Path.of(init.run())).optimizerFile(init.step().orElseThrow());
        return updates(Safetensors.read(opt), opt);
    }

    /** What a fine-tune's checkpoints record about where it started (nothing for a run from its seed). */
    static Map<String, String> provenance(Recipe recipe, long baseUpdates) {
        Map<String, String> m = new LinkedHashMap<>();
        recipe.init().ifPresent(i -> {
            Path dir = Path.of(i.run());
            m.put("init_run", dir.getFileName().toString());
            m.put("init_path", i.run());
            m.put("init_step", Long.toString(i.step().orElseThrow()));
            m.put("init_sha256", i.sha256().orElseThrow());
            m.put("init_optimizer", Boolean.toString(i.optimizer()));
            m.put("init_updates", Long.toString(baseUpdates));
        });
        return m;
    }

    private static long updates(SafetensorsFile o, Path file) throws IOException {
        String s = o.metadata().get("updates");
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            throw new IOException(file + ": __metadata__ updates '" + s + "' is not a whole number");
        }
    }

    /** A parent's weights file, read once: its bytes' checksum is that of the tensors loaded. */
    private record Checkpoint(Path path, SafetensorsFile file, String sha256) {
        JsonNode metaJson(String key) {
            String s = file.metadata().get(key);
            if (s == null) {
                throw new RecipeException(
                        "init: " + path + ": no '" + key + "' in __metadata__; not a Vivarium" + " checkpoint");
            }
            try {
                return JSON.readTree(s);
            } catch (IOException e) {
                throw new RecipeException("init: " + path + ": __metadata__ " + key + " is not JSON");
            }
        }
    }

    private static Checkpoint read(RunDir parent, long step, Optional<String> expected) {
        Path file = parent.checkpointFile(step);
        if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
            String have;
            try {
                List<Long> steps = parent.checkpointSteps();
                have = steps.isEmpty() ? "it has none" : "its checkpoints are of steps " + steps;
            } catch (IOException e) {
                have = "its checkpoints cannot be listed";
            }
            throw new RecipeException(
                    "init.step: run " + parent.root() + " has no checkpoint of step " + step + " (" + have + ")");
        }
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new RecipeException("init: cannot read " + file + ": " + e.getMessage());
        }
        String hash = sha256(bytes);
        if (expected.isPresent() && !expected.get().equals(hash)) {
            throw new RecipeException("init.sha256: " + file + " has SHA-256 " + hash + ", not the recorded "
                    + expected.get() + "; the parent's checkpoint changed since this run started from it");
        }
        try {
            return new Checkpoint(file, Safetensors.read(bytes, file.toString()), hash);
        } catch (IOException e) {
            throw new RecipeException("init: " + e.getMessage());
        }
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}

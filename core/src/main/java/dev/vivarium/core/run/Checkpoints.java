package dev.vivarium.core.run;

import dev.vivarium.core.model.Model;
import dev.vivarium.core.recipe.Recipe;
import dev.vivarium.core.recipe.RecipeLoader;
import dev.vivarium.core.train.Optimizer;
import dev.vivarium.store.run.RunDir;
import dev.vivarium.store.safetensors.Safetensors;
import dev.vivarium.store.safetensors.SafetensorsFile;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Checkpoint files: the weights under TransformerLens names (loadable into a TransformerLens-shaped
 * PyTorch model with no renaming), with the model config, the full recipe, the step and the
 * versions in {@code __metadata__}; the optimizer state in a second file beside it.
 */
public final class Checkpoints {
    public static final String FORMAT = "vivarium-checkpoint-1";

    private Checkpoints() {}

    /** Writes both files of step {@code step}, each atomically; the weights file last. */
    public static void save(
            RunDir run, Recipe recipe, Model model, Optimizer optimizer, long step, Map<String, String> provenance)
            throws IOException {
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("format", FORMAT);
        meta.put("step", Long.toString(step));
        meta.put("kind", model.config() instanceof dev.vivarium.core.model.MlpConfig ? "mlp" : "transformer");
        meta.put("config", RecipeLoader.toJson(model.config()));
        meta.put("recipe", RecipeLoader.toJson(recipe));
        meta.putAll(provenance);
        Map<String, String> optMeta = new LinkedHashMap<>(meta);
        optMeta.put("updates", Long.toString(optimizer.updates()));
        optMeta.put("optimizer", recipe.train().optimizer().yamlName());
        Safetensors.write(run.optimizerFile(step), optimizer.state(), optMeta);
        Safetensors.write(run.checkpointFile(step), model.params().toTensors(), meta);
    }

    /** Loads the weights of a checkpoint file into {@code model}; the step is returned. */
    public static long loadWeights(Path file, Model model) throws IOException {
        SafetensorsFile f = Safetensors.read(file);
        model.params().load(f.tensors(), file.toString());
        return step(f, file);
    }

    /** Loads weights and optimizer state of {@code step} from a run. */
    public static void load(RunDir run, long step, Model model, Optimizer optimizer) throws IOException {
        loadWeights(run.checkpointFile(step), model);
        Path optFile = run.optimizerFile(step);
        SafetensorsFile o = Safetensors.read(optFile);
        String updates = o.metadata().get("updates");
        if (updates == null) {
            throw new IOException(optFile + ": no 'updates' in __metadata__; not a Vivarium optimizer file");
        }
        optimizer.load(o.tensors(), Long.parseLong(updates), optFile.toString());
    }

    private static long step(SafetensorsFile f, Path file) throws IOException {
        String s = f.metadata().get("step");
        if (s == null) {
            throw new IOException(file + ": no 'step' in __metadata__; not a Vivarium checkpoint");
        }
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            throw new IOException(file + ": __metadata__ step '" + s + "' is not an integer", e);
        }
    }
}

package dev.vivarium.core.run;

import dev.vivarium.core.model.Model;
import dev.vivarium.core.model.ModelConfig;
import dev.vivarium.core.model.TransformerConfig;
import dev.vivarium.core.recipe.Recipe;
import dev.vivarium.core.recipe.RecipeLoader;
import dev.vivarium.core.train.Optimizer;
import dev.vivarium.store.run.RunDir;
import dev.vivarium.store.safetensors.DType;
import dev.vivarium.store.safetensors.Safetensors;
import dev.vivarium.store.safetensors.SafetensorsFile;
import dev.vivarium.store.safetensors.Tensor;
import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Checkpoint files: the weights under TransformerLens names (loadable into a TransformerLens
 * {@code HookedTransformer} with {@code load_state_dict(strict=True)} and no renaming: a transformer's file
 * also holds the two buffers TransformerLens keeps in its state dict, {@code blocks.L.attn.mask} and
 * {@code blocks.L.attn.IGNORE}), with the model config, the full recipe, the step, the optimizer's update
 * count, the wall seconds trained and the versions in {@code __metadata__}; the optimizer state in a second
 * file beside it. A checkpoint is read back only if it is whole and finite: every value a number, the step
 * in its metadata that of its file name, and the optimizer file from the same step.
 */
public final class Checkpoints {
    public static final String FORMAT = "vivarium-checkpoint-1";

    private Checkpoints() {}

    /** What a resumed run needs besides the arrays: how far it had got. */
    public record Loaded(long step, long updates, double wallSeconds) {}

    /** The {@code kind} a recipe names {@code config} by ({@code transformer}, {@code mlp}, ...). */
    public static String kind(ModelConfig config) {
        for (com.fasterxml.jackson.annotation.JsonSubTypes.Type t : ModelConfig.class
                .getAnnotation(com.fasterxml.jackson.annotation.JsonSubTypes.class)
                .value()) {
            if (t.value() == config.getClass()) {
                return t.name();
            }
        }
        throw new IllegalStateException("no kind for " + config.getClass());
    }

    /** Writes both files of step {@code step}, each atomically; the weights file last. */
    public static Path save(
            RunDir run,
            Recipe recipe,
            Model model,
            Optimizer optimizer,
            long step,
            double wallSeconds,
            Map<String, String> provenance)
            throws IOException {
        return save(
                run,
                recipe,
                model.config(),
                model.params().trainableCount(),
                model.params().toTensors(),
                optimizer.state(),
                optimizer.updates(),
                step,
                wallSeconds,
                provenance);
    }

    /**
     * Writes both files of step {@code step} from tensors in hand (one member of a population, cut out of its
     * model axis), each atomically, the weights file last.
     *
     * @param parameters trained scalars of one model
     * @param updates the optimizer's update count
     */
    public static Path save(
            RunDir run,
            Recipe recipe,
            ModelConfig config,
            long parameters,
            Map<String, Tensor> weightTensors,
            Map<String, Tensor> optimizerState,
            long updates,
            long step,
            double wallSeconds,
            Map<String, String> provenance)
            throws IOException {
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("format", FORMAT);
        meta.put("step", Long.toString(step));
        meta.put("updates", Long.toString(updates));
        meta.put("wall_s", Double.toString(wallSeconds));
        meta.put("kind", kind(config));
        meta.put("parameters", Long.toString(parameters));
        meta.put("config", RecipeLoader.toJson(config));
        meta.put("recipe", RecipeLoader.toJson(recipe));
        meta.putAll(provenance);
        Map<String, String> optMeta = new LinkedHashMap<>(meta);
        optMeta.put("optimizer", recipe.train().optimizer().yamlName());
        Safetensors.write(run.optimizerFile(step), optimizerState, optMeta);
        Map<String, Tensor> weights = new LinkedHashMap<>(weightTensors);
        if (config instanceof TransformerConfig t) {
            weights.putAll(transformerLensBuffers(t));
        }
        Path file = run.checkpointFile(step);
        Safetensors.write(file, weights, meta);
        return file;
    }

    /**
     * The buffers TransformerLens's attention registers as persistent (so a strict state-dict load expects
     * them): the causal mask, true where key position <= query position, and the masked score value.
     */
    static Map<String, Tensor> transformerLensBuffers(TransformerConfig t) {
        int n = t.nCtx();
        byte[] mask = new byte[n * n];
        for (int q = 0; q < n; q++) {
            for (int k = 0; k <= q; k++) {
                mask[q * n + k] = 1;
            }
        }
        Map<String, Tensor> b = new LinkedHashMap<>();
        for (int l = 0; l < t.nLayers(); l++) {
            b.put("blocks." + l + ".attn.mask", Tensor.of(DType.BOOL, new long[] {n, n}, mask));
            b.put("blocks." + l + ".attn.IGNORE", Tensor.ofFloats(new long[0], new float[] {Float.NEGATIVE_INFINITY}));
        }
        return b;
    }

    /**
     * Loads the weights of a checkpoint file into {@code model}; the step is returned.
     *
     * @throws IOException naming the file and the tensor if a weight is NaN or infinite, or the file is not a
     *     checkpoint of this model
     */
    public static long loadWeights(Path file, Model model) throws IOException {
        return metaLong(readWeights(file, model), file, "step");
    }

    private static SafetensorsFile readWeights(Path file, Model model) throws IOException {
        SafetensorsFile f = Safetensors.read(file);
        loadWeights(f, file, model);
        return f;
    }

    /** Loads the weights of a checkpoint read from {@code file} into {@code model}, after checking they are finite. */
    static void loadWeights(SafetensorsFile f, Path file, Model model) throws IOException {
        for (String name : model.params().asMap().keySet()) {
            Tensor t = f.tensors().get(name);
            if (t != null && t.dtype() == DType.F32) {
                requireFinite(t, file, name);
            }
        }
        model.params().load(f.tensors(), file.toString());
    }

    /**
     * Loads weights and optimizer state of {@code step} from a run, after checking that both files are of
     * that step, that the optimizer had made {@code step} updates, and that every value is finite.
     */
    public static Loaded load(RunDir run, long step, Model model, Optimizer optimizer) throws IOException {
        return load(run, step, model, optimizer, 0);
    }

    /**
     * As {@link #load(RunDir, long, Model, Optimizer)} for a run whose optimizer had made {@code baseUpdates}
     * updates before its step 0 (a fine-tune that carried over its parent's optimizer state).
     */
    public static Loaded load(RunDir run, long step, Model model, Optimizer optimizer, long baseUpdates)
            throws IOException {
        Path weights = run.checkpointFile(step);
        SafetensorsFile w = readWeights(weights, model);
        long stepInFile = metaLong(w, weights, "step");
        if (stepInFile != step) {
            throw new IOException(
                    weights + ": __metadata__ says step " + stepInFile + " but the file name says step " + step);
        }
        Path optFile = run.optimizerFile(step);
        SafetensorsFile o = Safetensors.read(optFile);
        long optStep = metaLong(o, optFile, "step");
        if (optStep != step) {
            throw new IOException(optFile + ": optimizer state of step " + optStep + ", but the weights are of step "
                    + step + " (the two files of a checkpoint must be of one step)");
        }
        long updates = metaLong(o, optFile, "updates");
        if (updates != step + baseUpdates) {
            throw new IOException(optFile + ": __metadata__ updates = " + updates + ", but step " + step
                    + " has had exactly " + (step + baseUpdates) + " updates"
                    + (baseUpdates == 0 ? "" : " (" + baseUpdates + " of them its parent's)"));
        }
        o.tensors().forEach((name, t) -> {
            if (t.dtype() == DType.F32) {
                requireFiniteUnchecked(t, optFile, name);
            }
        });
        optimizer.load(o.tensors(), updates, optFile.toString());
        String wall = w.metadata().get("wall_s");
        double wallSeconds = 0;
        if (wall != null) {
            try {
                wallSeconds = Double.parseDouble(wall);
            } catch (NumberFormatException e) {
                throw new IOException(weights + ": __metadata__ wall_s '" + wall + "' is not a number");
            }
        }
        return new Loaded(step, updates, wallSeconds);
    }

    private static void requireFiniteUnchecked(Tensor t, Path file, String name) {
        try {
            requireFinite(t, file, name);
        } catch (IOException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    /** Refuses a float32 tensor holding NaN or an infinity, naming the file, the tensor and the first index. */
    static void requireFinite(Tensor t, Path file, String name) throws IOException {
        FloatBuffer v = t.data().duplicate().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
        for (int i = 0; i < v.limit(); i++) {
            float x = v.get(i);
            if (!Float.isFinite(x)) {
                throw new IOException(String.format(
                        Locale.ROOT,
                        "%s: tensor %s holds %s at flat index %d; a checkpoint must be finite",
                        file,
                        name,
                        x,
                        i));
            }
        }
    }

    private static long metaLong(SafetensorsFile f, Path file, String key) throws IOException {
        String s = f.metadata().get(key);
        if (s == null) {
            throw new IOException(file + ": no '" + key + "' in __metadata__; not a Vivarium checkpoint");
        }
        try {
            long v = Long.parseLong(s);
            if (v < 0) {
                throw new NumberFormatException();
            }
            return v;
        } catch (NumberFormatException e) {
            throw new IOException(file + ": __metadata__ " + key + " '" + s + "' is not a whole number >= 0", e);
        }
    }
}

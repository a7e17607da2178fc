package dev.vivarium.lens.run;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.vivarium.core.engine.StepScope;
import dev.vivarium.core.engine.TensorEngine;
import dev.vivarium.core.model.Model;
import dev.vivarium.core.recipe.Recipe;
import dev.vivarium.core.recipe.RecipeLoader;
import dev.vivarium.core.run.Checkpoints;
import dev.vivarium.core.task.Split;
import dev.vivarium.core.task.TaskConfig;
import dev.vivarium.store.io.AtomicFiles;
import dev.vivarium.store.run.RunDir;
import dev.vivarium.store.safetensors.Safetensors;
import dev.vivarium.store.safetensors.SafetensorsFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A run opened for analysis: its recipe, its task's data and split, and one model into which any
 * checkpoint can be loaded. Outputs go under the run's {@code analyses/}, written atomically.
 */
public final class LensRun implements AutoCloseable {
    /** Indented JSON; a non-finite number (an undefined fit, say) is written as {@code null}. */
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .registerModule(new com.fasterxml.jackson.databind.module.SimpleModule()
                    .addSerializer(
                            Double.class,
                            new com.fasterxml.jackson.databind.ser.std.StdSerializer<Double>(Double.class) {
                                @Override
                                public void serialize(
                                        Double v,
                                        com.fasterxml.jackson.core.JsonGenerator g,
                                        com.fasterxml.jackson.databind.SerializerProvider p)
                                        throws IOException {
                                    if (Double.isFinite(v)) {
                                        g.writeNumber(v);
                                    } else {
                                        g.writeNull();
                                    }
                                }
                            }));

    private final RunDir run;
    private final Recipe recipe;
    private final NDManager manager;
    private final Model model;
    private final TaskConfig.Data data;
    private long loadedStep = -1;

    private LensRun(RunDir run, Recipe recipe) {
        this.run = run;
        this.recipe = recipe;
        TensorEngine.start(recipe.threads());
        this.manager = NDManager.newBaseManager();
        this.model = recipe.model().build(manager, recipe.seed());
        this.data = recipe.task().generate(recipe.seed());
    }

    /** Opens the run at {@code dir}; its config gives the model and the task. */
    public static LensRun open(Path dir) throws IOException {
        RunDir run = RunDir.open(dir);
        return new LensRun(run, RecipeLoader.load(run.configFile(), List.of()));
    }

    public RunDir dir() {
        return run;
    }

    public Recipe recipe() {
        return recipe;
    }

    public Model model() {
        return model;
    }

    public NDManager manager() {
        return manager;
    }

    /** The task's examples and the split: the one the run recorded if there is one, else regenerated. */
    public TaskConfig.Data data() throws IOException {
        if (Files.isRegularFile(run.splitFile())) {
            SafetensorsFile f = Safetensors.read(run.splitFile());
            return new TaskConfig.Data(
                    data.examples(),
                    new Split(
                            f.tensors().get("train").toInts(),
                            f.tensors().get("test").toInts()));
        }
        return data;
    }

    /** Steps with a checkpoint, ascending. */
    public List<Long> checkpoints() throws IOException {
        return run.checkpointSteps();
    }

    /** The step whose weights the model holds, or -1 before any load. */
    public long loadedStep() {
        return loadedStep;
    }

    /**
     * Loads the weights of {@code step} into {@link #model}; a step without a checkpoint, or weights that
     * are not all finite, are refused with a one-line error naming the checkpoints or the tensor.
     */
    public void load(long step) throws IOException {
        if (step != loadedStep) {
            requireCheckpoint(step);
            Path file = run.checkpointFile(step);
            loadedStep = -1;
            Checkpoints.loadWeights(file, model);
            requireFinite(file);
            loadedStep = step;
        }
    }

    /** Refuses a step that has no checkpoint, naming those that exist. */
    public void requireCheckpoint(long step) throws IOException {
        if (step < 0 || !Files.isRegularFile(run.checkpointFile(step))) {
            throw new IllegalArgumentException("--checkpoint " + step + ": run " + run.id()
                    + " has no checkpoint at that step; its checkpoints are at steps " + checkpoints());
        }
    }

    private void requireFinite(Path file) {
        for (String name : model.params().names()) {
            try (StepScope s = new StepScope()) {
                NDArray w = model.params().get(name);
                long nan = w.isNaN().countNonzero().getLong();
                long inf = w.isInfinite().countNonzero().getLong();
                if (nan + inf > 0) {
                    throw new IllegalArgumentException(String.format(
                            "%s: tensor %s has %d NaN and %d infinite values of %d; the analyses need finite weights",
                            file, name, nan, inf, w.size()));
                }
            }
        }
    }

    /** Writes {@code value} as JSON to {@code analyses/<relative>}. */
    public Path writeJson(String relative, Object value) throws IOException {
        return write(relative, JSON.writeValueAsBytes(value));
    }

    /** Writes text to {@code analyses/<relative>}. */
    public Path writeText(String relative, String text) throws IOException {
        return write(relative, text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    private Path write(String relative, byte[] bytes) throws IOException {
        Path target = run.analysesDir().resolve(relative);
        Files.createDirectories(target.getParent());
        AtomicFiles.writeBytes(target, bytes);
        return target;
    }

    /** {@code name/step_00001000.json}. */
    public static String perStep(String name, long step) {
        return String.format("%s/step_%08d.json", name, step);
    }

    @Override
    public void close() {
        model.close();
        manager.close();
    }
}

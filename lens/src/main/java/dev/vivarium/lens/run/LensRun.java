package dev.vivarium.lens.run;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.vivarium.core.model.Model;
import dev.vivarium.core.recipe.Recipe;
import dev.vivarium.core.recipe.RecipeLoader;
import dev.vivarium.core.run.Checkpoints;
import dev.vivarium.core.run.Workbench;
import dev.vivarium.core.task.TaskConfig;
import dev.vivarium.store.io.AtomicFiles;
import dev.vivarium.store.run.RunDir;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

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
    private final Workbench bench;
    private long loadedStep = -1;

    private LensRun(RunDir run, Workbench bench) {
        this.run = run;
        this.bench = bench;
    }

    /**
     * Opens the run at {@code dir} through core's one start-up path ({@link Workbench}): its config gives the
     * model and the task, and its recorded split (read and checked by core's {@code Splits}) the data.
     */
    public static LensRun open(Path dir) throws IOException {
        RunDir run = RunDir.open(dir);
        Recipe recipe = RecipeLoader.load(run.configFile(), List.of());
        boolean recorded = Files.isRegularFile(run.splitFile());
        return new LensRun(run, Workbench.open(recipe, recorded ? Optional.of(run) : Optional.empty()));
    }

    public RunDir dir() {
        return run;
    }

    public Recipe recipe() {
        return bench.recipe();
    }

    public Model model() {
        return bench.model();
    }

    public NDManager manager() {
        return bench.manager();
    }

    /** The task's examples and the split: the one the run recorded if there is one, else the task's own. */
    public TaskConfig.Data data() {
        return bench.data();
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
     * are not all finite (refused by {@link Checkpoints#loadWeights}), are one-line errors naming the
     * checkpoints or the tensor.
     */
    public void load(long step) throws IOException {
        if (step != loadedStep) {
            requireCheckpoint(step);
            loadedStep = -1;
            Checkpoints.loadWeights(run.checkpointFile(step), bench.model());
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
        bench.close();
    }
}

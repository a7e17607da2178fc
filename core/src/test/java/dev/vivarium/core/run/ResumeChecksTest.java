package dev.vivarium.core.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vivarium.core.recipe.Recipe;
import dev.vivarium.core.recipe.RecipeLoader;
import dev.vivarium.store.run.RunDir;
import dev.vivarium.store.run.RunState;
import dev.vivarium.store.safetensors.Safetensors;
import dev.vivarium.store.safetensors.SafetensorsFile;
import dev.vivarium.store.safetensors.Tensor;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What resume checks before it continues a run, each on a copy of one finished run turned back into a killed
 * one and then damaged: inconsistent or non-finite checkpoints are skipped with a named reason and an older
 * one is used; a damaged split, an edited config or no usable checkpoint at all is refused, naming the file.
 */
class ResumeChecksTest {
    private static final List<String> SHORT = List.of("train.steps=60", "train.checkpoints=4", "train.logEvery=10");

    @TempDir
    static Path shared;

    static RunDir base;

    @TempDir
    Path runs;

    private final ByteArrayOutputStream notesBytes = new ByteArrayOutputStream();
    private final PrintStream notes = new PrintStream(notesBytes, true, StandardCharsets.UTF_8);

    @BeforeAll
    static void trainOnce() throws IOException {
        Recipe r = RecipeLoader.load(TestRuns.recipe("tiny-modular.yaml"), SHORT);
        base = Experiment.start(r, shared, Optional.of("base"), List.of());
        assertEquals(List.of(0L, 1L, 4L, 15L, 60L), base.checkpointSteps());
    }

    /** A copy of the finished run, marked KILLED as a run killed after its last checkpoint would be. */
    private RunDir killedCopy() throws IOException {
        Path dir = runs.resolve("copy");
        try (Stream<Path> files = Files.walk(base.root())) {
            for (Path p : (Iterable<Path>) files::iterator) {
                Path to = dir.resolve(base.root().relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(to);
                } else {
                    Files.copy(p, to);
                }
            }
        }
        RunDir run = RunDir.open(dir);
        run.updateStatus(s -> s.withState(RunState.KILLED, Optional.of("test")));
        return run;
    }

    private String notes() {
        return notesBytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void nonFiniteWeightsAreSkippedNamingTheTensorAndTheRunEndsAsTheOriginal() throws IOException {
        RunDir run = killedCopy();
        rewrite(run.checkpointFile(60), "blocks.0.mlp.W_in", Float.NaN);
        Experiment.resume(run.root(), List.of(), notes);
        assertTrue(
                notes().contains("skipped checkpoint checkpoints/step_00000060.safetensors: ")
                        && notes().contains("tensor blocks.0.mlp.W_in holds NaN at flat index 0"),
                notes());
        assertTrue(notes().contains("from the checkpoint of step 15"), notes());
        assertEquals(RunState.COMPLETED, run.readStatus().state());
        assertEquals(
                Safetensors.read(base.checkpointFile(60)).tensors(),
                Safetensors.read(run.checkpointFile(60)).tensors(),
                "retrained from step 15 to the same weights");
        assertEquals(TestRuns.withoutWallTime(base.metricsFile()), TestRuns.withoutWallTime(run.metricsFile()));
    }

    @Test
    void inconsistentOptimizerStateIsSkipped() throws IOException {
        RunDir run = killedCopy();
        Files.copy(run.optimizerFile(15), run.optimizerFile(60), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Files.delete(run.optimizerFile(15));
        rewriteMeta(run.optimizerFile(4), "updates", "-5");
        rewriteMeta(run.optimizerFile(1), "updates", "2");
        rewrite(run.optimizerFile(0), "v.embed.W_E", Float.POSITIVE_INFINITY);
        IOException e = assertThrows(IOException.class, () -> Experiment.resume(run.root(), List.of(), notes));
        String m = e.getMessage();
        assertTrue(
                m.contains(
                        "step_00000060.optim.safetensors: optimizer state of step 15, but the weights are of step 60"),
                m);
        assertTrue(m.contains("step_00000004.optim.safetensors: __metadata__ updates '-5' is not a whole number"), m);
        assertTrue(
                m.contains("step_00000015.safetensors: its optimizer file step_00000015.optim.safetensors is missing"),
                m);
        assertTrue(m.contains("__metadata__ updates = 2, but step 1 has had exactly 1 updates"), m);
        assertTrue(m.contains("tensor v.embed.W_E holds Infinity"), m);
        assertTrue(m.startsWith("run " + run.root() + " has no usable checkpoint to resume from"), m);
        assertEquals(RunState.FAILED, run.readStatus().state(), "a run that cannot resume says why");
    }

    @Test
    void aSymlinkOrDirectoryInPlaceOfACheckpointIsSkipped() throws IOException {
        RunDir run = killedCopy();
        Files.delete(run.checkpointFile(60));
        Files.createSymbolicLink(run.checkpointFile(60), Path.of("/dev/zero"));
        Files.delete(run.checkpointFile(15));
        Files.createDirectory(run.checkpointFile(15));
        IOException e = assertThrows(IOException.class, () -> Experiment.resume(run.root(), List.of(), notes));
        // step 4 was used and training went on; rewriting step 15, a directory, then fails with a clear reason
        assertTrue(notes().contains("step_00000060.safetensors: is a symbolic link"), notes());
        assertTrue(notes().contains("step_00000015.safetensors: is a directory"), notes());
        assertTrue(notes().contains("from the checkpoint of step 4"), notes());
        assertTrue(
                e.getMessage().contains("cannot write the checkpoint of step 15")
                        && e.getMessage().contains("not a regular file"),
                e.getMessage());
        assertEquals(RunState.FAILED, run.readStatus().state());
        assertTrue(run.readStatus().message().orElse("").contains("cannot write the checkpoint of step 15"));
    }

    @Test
    void aSplitWhoseTestSetIsTheTrainSetIsRefused() throws IOException {
        RunDir run = killedCopy();
        SafetensorsFile split = Safetensors.read(run.splitFile());
        Map<String, Tensor> same = new LinkedHashMap<>();
        same.put("train", split.get("train"));
        same.put("test", split.get("train"));
        Safetensors.write(run.splitFile(), same, Map.of());
        IOException e = assertThrows(IOException.class, () -> Experiment.resume(run.root(), List.of(), notes));
        assertTrue(e.getMessage().startsWith(run.splitFile() + ": example "), e.getMessage());
        assertTrue(e.getMessage().contains("is in both the train and the test set"), e.getMessage());
        Safetensors.write(
                run.splitFile(),
                Map.of("train", split.get("train"), "test", Tensor.ofInts(new long[] {0}, new int[0])),
                Map.of());
        e = assertThrows(IOException.class, () -> Experiment.resume(run.root(), List.of(), notes));
        assertTrue(e.getMessage().endsWith("the test set is empty"), e.getMessage());
    }

    @Test
    void anEditedConfigIsRefusedNamingTheField() throws IOException {
        RunDir run = killedCopy();
        String yaml = Files.readString(run.configFile());
        Files.writeString(run.configFile(), yaml.replace("lr: 0.003", "lr: 0.3"));
        assertTrue(Files.readString(run.configFile()).contains("lr: 0.3"), "test set-up");
        IOException e = assertThrows(IOException.class, () -> Experiment.resume(run.root(), List.of(), notes));
        assertTrue(
                e.getMessage().contains("config.yaml was edited after checkpoints/step_00000060.safetensors"),
                e.getMessage());
        assertTrue(e.getMessage().contains("train.lr was 0.003 and is now 0.3"), e.getMessage());
    }

    @Test
    void aCheckpointWhoseMetadataStepIsNotItsNameIsSkipped() throws IOException {
        RunDir run = killedCopy();
        rewriteMeta(run.checkpointFile(60), "step", "59");
        Experiment.resume(run.root(), List.of(), notes);
        assertTrue(notes().contains("__metadata__ says step 59 but the file name says step 60"), notes());
        assertEquals(RunState.COMPLETED, run.readStatus().state());
    }

    @Test
    void aCompletedRunOrADivergingRecipeIsNotPassedOffAsSuccess() throws IOException {
        IllegalStateException done =
                assertThrows(IllegalStateException.class, () -> Experiment.resume(base.root(), List.of()));
        assertTrue(done.getMessage().endsWith("has completed; nothing to resume"));
        Recipe diverging = RecipeLoader.load(
                TestRuns.recipe("tiny-modular.yaml"),
                List.of("train.steps=60", "train.lr=1e30", "train.warmupSteps=0"));
        IllegalStateException e = assertThrows(
                IllegalStateException.class, () -> Experiment.start(diverging, runs, Optional.of("nan"), List.of()));
        assertTrue(
                e.getMessage().matches("training diverged at step \\d+: the loss is (NaN|Infinity); .*"),
                e.getMessage());
        RunDir run = RunDir.open(runs.resolve("nan"));
        assertEquals(RunState.FAILED, run.readStatus().state());
        assertEquals(e.getMessage(), run.readStatus().message().orElseThrow());
        long diverged = Long.parseLong(e.getMessage().replaceAll("^training diverged at step (\\d+):.*", "$1"));
        assertEquals(diverged - 1, run.readStatus().step(), "the status keeps the last step with finite weights");
    }

    private static void rewrite(Path file, String tensor, float value) throws IOException {
        SafetensorsFile f = Safetensors.read(file);
        Map<String, Tensor> t = new LinkedHashMap<>(f.tensors());
        float[] v = t.get(tensor).toFloats();
        v[0] = value;
        t.put(tensor, Tensor.ofFloats(t.get(tensor).shape(), v));
        Safetensors.write(file, t, f.metadata());
    }

    private static void rewriteMeta(Path file, String key, String value) throws IOException {
        SafetensorsFile f = Safetensors.read(file);
        Map<String, String> meta = new LinkedHashMap<>(f.metadata());
        meta.put(key, value);
        Safetensors.write(file, f.tensors(), meta);
    }
}

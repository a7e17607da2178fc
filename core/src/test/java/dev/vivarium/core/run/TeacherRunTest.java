package dev.vivarium.core.run;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vivarium.core.recipe.Recipe;
import dev.vivarium.core.recipe.RecipeException;
import dev.vivarium.core.recipe.RecipeLoader;
import dev.vivarium.core.task.Dense;
import dev.vivarium.core.task.Split;
import dev.vivarium.core.task.TaskConfig;
import dev.vivarium.core.train.TrainListener;
import dev.vivarium.core.train.Trainer;
import dev.vivarium.store.run.RunDir;
import dev.vivarium.store.run.RunState;
import dev.vivarium.store.safetensors.Safetensors;
import dev.vivarium.store.safetensors.SafetensorsFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The committed teacher recipe, shortened: a student learns the teacher well below the loss of predicting
 * the mean, the log has MSE and no accuracy, the split file records the data the run trained on, and a run
 * stopped part-way and resumed ends with the weights and the log of an uninterrupted run, bit for bit. A
 * recipe that gives a regression task a token model, or an early stop on accuracy, is refused in one line.
 */
class TeacherRunTest {
    /** Short enough for a test: 4,000 examples, width 8, 300 full-batch steps. */
    private static final List<String> SHORT = List.of(
            "task.samples=4000",
            "task.testSamples=1000",
            "model.width=8",
            "train.steps=300",
            "train.logEvery=25",
            "train.checkpoints=6",
            "threads=1");

    @TempDir
    Path runs;

    private static Path recipe() {
        return TestRuns.projectFile("recipes/teacher.yaml");
    }

    @Test
    void aShortRunLearnsTheTeacherFarBelowTheVarianceOfTheTargets() throws Exception {
        Recipe r = RecipeLoader.load(recipe(), SHORT);
        RunDir run = Experiment.start(r, runs, Optional.of("short"), List.of());
        assertEquals(RunState.COMPLETED, run.readStatus().state());
        List<Map<String, Double>> rows = TestRuns.withoutWallTime(run.metricsFile());
        for (Map<String, Double> row : rows) {
            assertTrue(row.containsKey("train_loss") && row.containsKey("test_loss"), row.toString());
            assertFalse(
                    row.keySet().stream().anyMatch(k -> k.endsWith("_acc") || k.contains("_exact")),
                    "a regression logs no accuracy: " + row.keySet());
        }
        TaskConfig.Data data = r.task().generate(r.seed());
        Dense test = data.testDense();
        double variance = test.targetVariance(); // the test MSE of the best constant prediction
        double first = rows.get(0).get("test_loss");
        double last = rows.get(rows.size() - 1).get("test_loss");
        System.out.printf(
                "teacher, width 8, 300 steps: test MSE %.4g -> %.4g; target variance %.4g%n", first, last, variance);
        assertTrue(last < 0.05 * variance, "test MSE " + last + " vs target variance " + variance);

        // the split file names the examples trained and tested on: the first samples, then the test samples
        Split recorded = Splits.read(run, data.n());
        assertArrayEquals(data.split().train(), recorded.train());
        assertArrayEquals(data.split().test(), recorded.test());
        assertEquals(4000, recorded.train().length);
        assertEquals(1000, recorded.test().length);
    }

    @Test
    void aStoppedAndResumedRunEqualsAnUninterruptedOne() throws Exception {
        Recipe r = RecipeLoader.load(recipe(), SHORT);
        List<Long> stoppedAt = new ArrayList<>();
        TrainListener stopAt130 = new TrainListener() {
            @Override
            public void onStep(Trainer trainer, long step) {
                if (step == 130) {
                    stoppedAt.add(step);
                    trainer.requestStop(); // as SIGTERM does: after this step, with a checkpoint
                }
            }
        };
        RunDir stopped = Experiment.start(r, runs, Optional.of("stopped"), List.of(stopAt130));
        assertEquals(List.of(130L), stoppedAt);
        assertEquals(RunState.KILLED, stopped.readStatus().state());
        assertEquals(130, stopped.lastCheckpointStep().orElseThrow());
        Experiment.resume(stopped.root(), List.of());
        RunDir whole = Experiment.start(r, runs, Optional.of("whole"), List.of());

        assertEquals(RunState.COMPLETED, stopped.readStatus().state());
        SafetensorsFile a = Safetensors.read(stopped.checkpointFile(300));
        SafetensorsFile b = Safetensors.read(whole.checkpointFile(300));
        assertEquals(b.tensors().keySet(), a.tensors().keySet());
        for (String name : b.tensors().keySet()) {
            assertArrayEquals(
                    b.tensors().get(name).bytes(), a.tensors().get(name).bytes(), name + " differs after resume");
        }
        SafetensorsFile oa = Safetensors.read(stopped.optimizerFile(300));
        SafetensorsFile ob = Safetensors.read(whole.optimizerFile(300));
        for (String name : ob.tensors().keySet()) {
            assertArrayEquals(
                    ob.tensors().get(name).bytes(), oa.tensors().get(name).bytes(), name);
        }
        assertEquals(
                TestRuns.withoutWallTime(whole.metricsFile()),
                TestRuns.withoutWallTime(stopped.metricsFile()),
                "the resumed curve continues the uninterrupted one");
        assertTrue(Files.size(whole.splitFile()) > 0);
    }

    @Test
    void recipesThatCannotRunAreRefusedInOneLineNamingTheField() {
        refused(List.of("task.dataDim=20"), "task.dataDim: must be in [1, inputDim=16]");
        refused(List.of("task.noise=-0.5"), "task.noise: must be a standard deviation >= 0");
        refused(List.of("task.samples=0"), "task.samples: must be a positive integer, got 0");
        refused(List.of("train.stopAtTestAcc=0.9"), "train.stopAtTestAcc: this task is a regression");
        refused(List.of("model.input=onehot"), "model.input: 'onehot' reads tokens");
        String teacherTask = "task: {kind: teacher, dataDim: 2, samples: 100, testSamples: 10}\n";
        String denseMlp = "model: {kind: mlp, input: dense, width: 8}\n";
        inline(
                teacherTask + "model: {kind: transformer, nLayers: 1, dModel: 8, nHeads: 1, dMlp: 8}\n",
                "x.yaml: model.kind: 'transformer' reads tokens, but this task's inputs are real-valued features");
        inline(
                "task: {kind: modular, p: 7, op: add, trainFraction: 0.5}\n" + denseMlp,
                "x.yaml: model.input: 'dense' reads real-valued features, which only the teacher and sparse-features tasks have");
        inline(
                "task: {kind: teacher, inputDim: 3, dataDim: 4, samples: 100, testSamples: 10}\n" + denseMlp,
                "x.yaml: task.dataDim: must be in [1, inputDim=3]");
    }

    /** The memory estimate counts the teacher's examples: a hundred million of them is refused naming task.samples. */
    @Test
    void aTeacherRecipeTooBigForTheMachineIsRefusedBeforeItStarts() {
        Recipe small = RecipeLoader.load(recipe(), SHORT);
        Footprint fits = Footprint.of(small);
        assertEquals(5000, fits.examples());
        double exact = 16 * 8 + 8 + 8 * 8 + 8 + 8 + 1; // weights and biases of the 16-8-8-1 student
        assertTrue(
                fits.parameters() >= exact && fits.parameters() <= 1.1 * exact,
                "parameters " + fits.parameters() + " for " + exact + " (the estimate may err high, a little)");
        fits.requireFits(8e9, 0.8);
        Recipe huge = RecipeLoader.load(recipe(), List.of("task.samples=100000000"));
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class, () -> Footprint.of(huge).requireFits(8e9, 0.8));
        assertTrue(e.getMessage().contains("examples (task.samples)"), e.getMessage());
    }

    private static void inline(String sections, String expected) {
        String text = "name: x\n" + sections + "train: {steps: 10}\n";
        RecipeException e = assertThrows(RecipeException.class, () -> RecipeLoader.parse(text, "x.yaml", List.of()));
        assertTrue(e.getMessage().startsWith(expected), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), "one line: " + e.getMessage());
    }

    private static void refused(List<String> overrides, String expected) {
        RecipeException e = assertThrows(RecipeException.class, () -> RecipeLoader.load(recipe(), overrides));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), "one line: " + e.getMessage());
    }
}

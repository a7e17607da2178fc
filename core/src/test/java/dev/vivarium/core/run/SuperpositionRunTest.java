package dev.vivarium.core.run;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.vivarium.core.recipe.Recipe;
import dev.vivarium.core.recipe.RecipeLoader;
import dev.vivarium.core.task.Dense;
import dev.vivarium.core.task.SparseFeatures;
import dev.vivarium.store.run.RunDir;
import dev.vivarium.store.run.RunState;
import dev.vivarium.store.safetensors.Safetensors;
import dev.vivarium.store.safetensors.SafetensorsFile;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Toy models of superposition as runs: a population over the sparsity axis (with seeds and learning rates
 * differing too) trained as one computation equals each member's separate run (weights, optimizer state and
 * every logged value to 1e-5), one member equals the single run bit for bit, and the logged loss is the
 * importance-weighted MSE, recomputed here in float64 from the checkpoint's W and b on the held-out examples.
 */
class SuperpositionRunTest {
    private static final PrintStream QUIET = new PrintStream(java.io.OutputStream.nullOutputStream());

    @TempDir
    Path root;

    private static Recipe recipe(List<String> sets) {
        return RecipeLoader.load(TestRuns.recipe("tiny-superposition.yaml"), sets);
    }

    @Test
    void aSparsityPopulationEqualsSeparateRuns() throws Exception {
        List<List<String>> own = List.of(
                List.of("task.sparsity=0", "seed=0"),
                List.of("task.sparsity=0.9", "seed=1", "train.lr=3e-3"),
                List.of("task.sparsity=0.99", "seed=2", "train.weightDecay=0"));
        List<PopulationRun.Member> pop = new ArrayList<>();
        for (int i = 0; i < own.size(); i++) {
            pop.add(new PopulationRun.Member(
                    recipe(own.get(i)), root.resolve("pop").resolve("m" + i)));
        }
        assertEquals(
                List.of(RunState.COMPLETED, RunState.COMPLETED, RunState.COMPLETED), PopulationRun.start(pop, QUIET));
        for (int i = 0; i < own.size(); i++) {
            RunDir alone = Experiment.start(pop.get(i).recipe(), root, Optional.of("alone" + i), List.of(), QUIET);
            RunDir inPop = RunDir.open(pop.get(i).dir());
            long last = pop.get(i).recipe().train().steps();
            PopulationRunTest.assertTensorsClose(
                    alone.checkpointFile(last), inPop.checkpointFile(last), 1e-5, "W " + i);
            PopulationRunTest.assertTensorsClose(
                    alone.optimizerFile(last), inPop.optimizerFile(last), 1e-5, "optimizer " + i);
            PopulationRunTest.assertRowsClose(alone.metricsFile(), inPop.metricsFile(), 1e-5, "metrics " + i);
        }
    }

    /** A regression whose targets are not its inputs (the teacher task), members differing in seed and lr. */
    @Test
    void aTeacherPopulationEqualsSeparateRuns() throws Exception {
        List<String> base = List.of(
                "train.steps=60", "train.logEvery=20", "train.checkpoints=2", "task.samples=2000", "model.width=6");
        List<PopulationRun.Member> pop = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            List<String> sets = new ArrayList<>(base);
            sets.add("seed=" + i);
            sets.add("train.lr=" + (i == 0 ? "1e-2" : "3e-3"));
            pop.add(new PopulationRun.Member(
                    RecipeLoader.load(TestRuns.projectFile("recipes/teacher.yaml"), sets),
                    root.resolve("teachers").resolve("m" + i)));
        }
        PopulationRun.start(pop, QUIET);
        for (int i = 0; i < 2; i++) {
            RunDir alone = Experiment.start(pop.get(i).recipe(), root, Optional.of("teacher" + i), List.of(), QUIET);
            RunDir inPop = RunDir.open(pop.get(i).dir());
            PopulationRunTest.assertTensorsClose(
                    alone.checkpointFile(60), inPop.checkpointFile(60), 1e-5, "teacher " + i);
            PopulationRunTest.assertRowsClose(alone.metricsFile(), inPop.metricsFile(), 1e-5, "teacher metrics " + i);
        }
    }

    @Test
    void oneMemberIsTheSingleRunBitForBit() throws Exception {
        Recipe r = recipe(List.of("train.steps=40"));
        PopulationRun.start(List.of(new PopulationRun.Member(r, root.resolve("one"))), QUIET);
        RunDir alone = Experiment.start(r, root, Optional.of("alone"), List.of(), QUIET);
        RunDir inPop = RunDir.open(root.resolve("one"));
        for (long step : alone.checkpointSteps()) {
            PopulationRunTest.assertTensorsClose(
                    alone.checkpointFile(step), inPop.checkpointFile(step), 0, "step " + step);
        }
        assertEquals(TestRuns.withoutWallTime(alone.metricsFile()), TestRuns.withoutWallTime(inPop.metricsFile()));
    }

    @Test
    void theLoggedLossIsTheImportanceWeightedError() throws Exception {
        Recipe r = recipe(List.of("train.steps=30", "train.logEvery=30"));
        RunDir run = Experiment.start(r, root, Optional.of("w"), List.of(), QUIET);
        SafetensorsFile ckpt = Safetensors.read(run.checkpointFile(30));
        assertEquals("superposition", ckpt.metadata().get("kind"));
        float[] w = ckpt.tensors().get("W").toFloats(); // [m, n], no model axis
        float[] b = ckpt.tensors().get("b_final").toFloats();
        assertArrayEquals(new long[] {3, 12}, ckpt.tensors().get("W").shape());
        SparseFeatures task = (SparseFeatures) r.task();
        double[] importance = task.importance();
        Dense test = task.generate(r.seed()).testDense();
        int n = task.n();
        int m = 3;
        double weighted = 0;
        double plain = 0;
        for (int e = 0; e < test.n(); e++) {
            double[] h = new double[m];
            for (int k = 0; k < m; k++) {
                for (int i = 0; i < n; i++) {
                    h[k] += (double) w[k * n + i] * test.features()[e * n + i];
                }
            }
            for (int i = 0; i < n; i++) {
                double pre = b[i];
                for (int k = 0; k < m; k++) {
                    pre += (double) w[k * n + i] * h[k];
                }
                double err = Math.max(0, pre) - test.values()[e * n + i];
                weighted += importance[i] * err * err;
                plain += err * err;
            }
        }
        weighted /= (double) test.n() * n;
        plain /= (double) test.n() * n;
        Map<String, Double> lastRow =
                TestRuns.withoutWallTime(run.metricsFile()).get(1);
        assertEquals(30.0, lastRow.get("step"));
        double logged = lastRow.get("test_loss");
        assertEquals(weighted, logged, 1e-5 * weighted, "test_loss is the importance-weighted MSE");
        org.junit.jupiter.api.Assertions.assertTrue(
                Math.abs(plain - logged) > 1e-3 * plain, "and not the plain MSE " + plain);
    }
}

package dev.vivarium.core.task;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vivarium.core.model.SuperpositionConfig;
import dev.vivarium.core.recipe.Recipe;
import dev.vivarium.core.recipe.RecipeException;
import dev.vivarium.core.recipe.RecipeLoader;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The sparse-features task against the distribution it claims (Elhage et al. 2022): each feature zero with
 * probability S, else uniform in [0, 1], independently of the others; targets equal to the features;
 * importance {@code decay^i}. Bounds are 5 standard errors of the binomial and uniform laws. Also: the
 * recipes resolve with the model sized by the task, and mistakes are one-line errors naming the field.
 */
class SparseFeaturesTest {
    @Test
    void featuresAreZeroWithProbabilitySAndOtherwiseUniform() {
        for (double s : new double[] {0.0, 0.7, 0.99}) {
            SparseFeatures task = new SparseFeatures(20, s, 0.7, 20_000, 5_000);
            TaskConfig.Data data = task.generate(3);
            Dense d = data.dense();
            assertEquals(25_000, d.n());
            assertArrayEquals(d.features(), d.values(), "the targets are the features");
            long total = d.features().length;
            long zeros = 0;
            double sum = 0;
            double sq = 0;
            long[] perFeatureZeros = new long[20];
            for (int k = 0; k < total; k++) {
                float v = d.features()[k];
                assertTrue(v >= 0 && v < 1, "feature value " + v + " outside [0, 1)");
                if (v == 0) {
                    zeros++;
                    perFeatureZeros[k % 20]++;
                } else {
                    sum += v;
                    sq += v * v;
                }
            }
            double se = Math.sqrt(s * (1 - s) / total);
            assertEquals(s, (double) zeros / total, 5 * se + 1e-9, "share of zeros at S = " + s);
            for (int i = 0; i < 20; i++) {
                double seI = Math.sqrt(s * (1 - s) / d.n());
                assertEquals(s, (double) perFeatureZeros[i] / d.n(), 5 * seI + 1e-9, "feature " + i + " at S = " + s);
            }
            long kept = total - zeros;
            double mean = sum / kept;
            assertEquals(0.5, mean, 5 * Math.sqrt(1.0 / 12 / kept), "mean of the kept values at S = " + s);
            assertEquals(1.0 / 3, sq / kept, 5 * Math.sqrt(4.0 / 45 / kept), "second moment at S = " + s);
        }
    }

    @Test
    void featuresAreIndependent() {
        Dense d = new SparseFeatures(2, 0.5, 1.0, 100_000, 1).generate(1).dense();
        long both = 0;
        for (int r = 0; r < d.n(); r++) {
            if (d.features()[2 * r] != 0 && d.features()[2 * r + 1] != 0) {
                both++;
            }
        }
        // P(both kept) = 0.25 when independent
        assertEquals(0.25, (double) both / d.n(), 5 * Math.sqrt(0.25 * 0.75 / d.n()));
    }

    @Test
    void importanceDecaysGeometricallyAndWeighsTheOutputs() {
        SparseFeatures task = new SparseFeatures(5, 0.9, 0.7, 10, 10);
        assertArrayEquals(new double[] {1, 0.7, 0.49, 0.343, 0.2401}, task.importance(), 1e-12);
        assertArrayEquals(task.importance(), task.generate(0).dense().outputWeights(), 0);
        assertArrayEquals(task.importance(), task.generate(0).trainDense().outputWeights(), 0, "kept by select");
    }

    @Test
    void theDataIsAFunctionOfTheSeed() {
        SparseFeatures task = new SparseFeatures(8, 0.9, 1.0, 500, 100);
        assertArrayEquals(
                task.generate(5).dense().features(), task.generate(5).dense().features());
        assertNotEquals(
                java.util.Arrays.hashCode(task.generate(5).dense().features()),
                java.util.Arrays.hashCode(task.generate(6).dense().features()));
        TaskConfig.Data d = task.generate(5);
        assertEquals(500, d.split().train().length);
        assertEquals(100, d.split().test().length);
        assertEquals(500, d.split().test()[0], "held-out examples follow the training ones");
    }

    @Test
    void theRecipesResolveWithTheModelSizedByTheTask() {
        Recipe r = RecipeLoader.load(Path.of("../recipes/superposition.yaml").toAbsolutePath(), List.of());
        SparseFeatures t = (SparseFeatures) r.task();
        assertEquals(20, t.n());
        assertEquals(0.99, t.sparsity());
        assertEquals(new SuperpositionConfig(20, 5), r.model());
        Recipe dense = RecipeLoader.load(
                Path.of("../recipes/superposition.yaml").toAbsolutePath(), List.of("task.sparsity=0", "task.n=40"));
        assertEquals(new SuperpositionConfig(40, 5), dense.model());
    }

    @Test
    void mistakesAreOneLineErrorsNamingTheField() {
        Path recipe = Path.of("../recipes/superposition.yaml").toAbsolutePath();
        for (var c : List.of(
                List.of("task.sparsity=1", "task.sparsity"),
                List.of("task.importanceDecay=0", "task.importanceDecay"),
                List.of("task.n=0", "task.n"),
                List.of("model.n=7", "model.n: 7 conflicts with the task"))) {
            RecipeException e =
                    assertThrows(RecipeException.class, () -> RecipeLoader.load(recipe, List.of(c.get(0))), c.get(0));
            assertTrue(e.getMessage().contains(c.get(1)), e.getMessage());
            assertTrue(!e.getMessage().contains("\n"), "one line: " + e.getMessage());
        }
        String text = "name: x\nseed: 0\ntask: {kind: modular, p: 7, op: add, trainFraction: 0.5}\n"
                + "model: {kind: superposition, m: 2}\ntrain: {optimizer: adamw, lr: 1.0e-3, steps: 10}\n";
        RecipeException e = assertThrows(RecipeException.class, () -> RecipeLoader.parse(text, "x.yaml", List.of()));
        assertTrue(e.getMessage().startsWith("x.yaml: model.kind: 'superposition' reconstructs"), e.getMessage());
    }
}

package dev.vivarium.core.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vivarium.core.recipe.Recipe;
import dev.vivarium.core.recipe.RecipeLoader;
import dev.vivarium.store.run.RunDir;
import dev.vivarium.store.safetensors.Safetensors;
import dev.vivarium.store.safetensors.SafetensorsFile;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The same recipe and seed twice gives identical metric logs and identical checkpoints. */
class DeterminismTest {
    @TempDir
    Path runs;

    @Test
    void sameRecipeSameSeedSameNumbers() throws Exception {
        List<String> shorter = List.of("train.steps=300", "train.batchSize=null");
        Recipe r = RecipeLoader.load(TestRuns.recipe("tiny-modular.yaml"), shorter);
        RunDir a = Experiment.start(r, runs, Optional.of("a"), List.of());
        RunDir b = Experiment.start(r, runs, Optional.of("b"), List.of());
        List<Map<String, Double>> ma = TestRuns.withoutWallTime(a.metricsFile());
        assertEquals(16, ma.size(), "rows at step 0, every 20 steps, and the last");
        assertEquals(ma, TestRuns.withoutWallTime(b.metricsFile()));
        SafetensorsFile ca = Safetensors.read(a.checkpointFile(300));
        SafetensorsFile cb = Safetensors.read(b.checkpointFile(300));
        assertEquals(ca.tensors(), cb.tensors(), "weights byte for byte");
        Map<String, String> metaA = new HashMap<>(ca.metadata());
        Map<String, String> metaB = new HashMap<>(cb.metadata());
        assertNotEquals(null, metaA.remove("wall_s"), "a checkpoint records the wall seconds trained");
        metaB.remove("wall_s");
        assertEquals(metaA, metaB, "metadata equal but for the wall seconds");
        assertTrue(ma.get(ma.size() - 1).get("train_loss") < ma.get(0).get("train_loss") / 2, "it trained");

        Recipe other = RecipeLoader.load(TestRuns.recipe("tiny-modular.yaml"), List.of("train.steps=300", "seed=8"));
        RunDir c = Experiment.start(other, runs, Optional.of("c"), List.of());
        assertNotEquals(ma, TestRuns.withoutWallTime(c.metricsFile()), "another seed gives another run");
    }
}

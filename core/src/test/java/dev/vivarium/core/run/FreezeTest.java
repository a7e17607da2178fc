package dev.vivarium.core.run;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vivarium.core.recipe.Recipe;
import dev.vivarium.core.recipe.RecipeLoader;
import dev.vivarium.store.run.RunDir;
import dev.vivarium.store.safetensors.Safetensors;
import dev.vivarium.store.safetensors.SafetensorsFile;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code train.freeze}: the frozen parameters are bit-identical after training with weight decay, with zero
 * optimizer state; every other one moved. A glob that matches nothing is refused before the run directory is made.
 */
class FreezeTest {
    private static final PrintStream QUIET = new PrintStream(OutputStream.nullOutputStream());

    @TempDir
    Path runs;

    @Test
    void frozenParametersStayBitIdenticalAndTheOthersMove() throws Exception {
        Recipe r = RecipeLoader.load(
                TestRuns.recipe("tiny-modular.yaml"),
                List.of(
                        "train.steps=20",
                        "train.checkpoints=2",
                        "train.weightDecay=1.0",
                        "train.freeze=[\"embed.*\", \"blocks.0.attn.*\"]"));
        RunDir run = Experiment.start(r, runs, Optional.of("frozen"), List.of(), QUIET);
        SafetensorsFile before = Safetensors.read(run.checkpointFile(0));
        SafetensorsFile after = Safetensors.read(run.checkpointFile(20));
        SafetensorsFile opt = Safetensors.read(run.optimizerFile(20));
        int frozen = 0;
        int moved = 0;
        for (String name : r.model()
                .build(ai.djl.ndarray.NDManager.newBaseManager(), 0)
                .params()
                .trainableNames()) {
            byte[] a = before.tensors().get(name).bytes();
            byte[] b = after.tensors().get(name).bytes();
            if (r.train().frozen(name)) {
                assertArrayEquals(a, b, name + " is frozen");
                float[] m = opt.tensors().get("m." + name).toFloats();
                for (float x : m) {
                    assertEquals(0f, x, name + ": a frozen parameter has no optimizer state");
                }
                frozen++;
            } else {
                assertFalse(Arrays.equals(a, b), name + " is trained and should have moved");
                moved++;
            }
        }
        assertEquals(5, frozen, "embed.W_E and blocks.0.attn.W_Q, W_K, W_V, W_O");
        assertTrue(moved >= 4, "pos_embed, mlp and unembed train: " + moved);
        assertFalse(r.train().frozen("pos_embed.W_pos"), "embed.* is one dotted segment, not a prefix");
    }

    @Test
    void aGlobThatMatchesNothingIsRefusedBeforeAnythingIsWritten() throws Exception {
        Recipe r = RecipeLoader.load(
                TestRuns.recipe("tiny-modular.yaml"), List.of("train.steps=5", "train.freeze=[\"embd.*\"]"));
        Exception e = assertThrows(
                RuntimeException.class, () -> Experiment.start(r, runs, Optional.of("typo"), List.of(), QUIET));
        assertTrue(e.getMessage().startsWith("train.freeze: 'embd.*' matches no trained parameter"), e.getMessage());
        assertFalse(java.nio.file.Files.exists(runs.resolve("typo")), "refused before the run directory is made");
    }
}

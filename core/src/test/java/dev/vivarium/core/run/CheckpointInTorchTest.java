package dev.vivarium.core.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.vivarium.core.engine.Ops;
import dev.vivarium.core.engine.StepScope;
import dev.vivarium.core.engine.TensorEngine;
import dev.vivarium.core.model.Model;
import dev.vivarium.core.recipe.Recipe;
import dev.vivarium.core.recipe.RecipeLoader;
import dev.vivarium.store.run.RunDir;
import dev.vivarium.store.safetensors.Safetensors;
import dev.vivarium.store.safetensors.Tensor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A checkpoint written by a run loads, with no renaming, into the TransformerLens-shaped PyTorch
 * model of tools/oracle and gives the logits Vivarium gives. Needs Debian's python3-torch; skipped
 * without it unless VIVARIUM_REQUIRE_TORCH is set (CI sets it).
 */
class CheckpointInTorchTest {
    private static final Path PYTHON = Path.of("/usr/bin/python3");

    @TempDir
    Path runs;

    @Test
    void checkpointGivesSameLogitsInPyTorch() throws Exception {
        requireTorch();
        for (String variant : List.of("model.layerNorm=true", "model.layerNorm=false")) {
            Recipe r = RecipeLoader.load(
                    TestRuns.recipe("tiny-modular.yaml"),
                    List.of("train.steps=40", "model.nLayers=2", "model.bias=true", variant));
            RunDir run = Experiment.start(r, runs, Optional.of("torch-" + variant.replace('=', '-')), List.of());
            assertSameLogitsInTorch(r, run.checkpointFile(40), runs, variant);
        }
    }

    /** Skips without python3-torch, unless VIVARIUM_REQUIRE_TORCH is set: then its absence fails. */
    static void requireTorch() throws Exception {
        boolean torch = hasTorch();
        if (System.getenv("VIVARIUM_REQUIRE_TORCH") == null) {
            Assumptions.assumeTrue(torch, "Debian's python3-torch is not installed; apt-get install python3-torch");
        }
        assertTrue(torch, "VIVARIUM_REQUIRE_TORCH is set but /usr/bin/python3 cannot import torch");
    }

    /**
     * The checkpoint {@code ckpt} of a model of recipe {@code r}, loaded into tools/oracle's TransformerLens-shaped
     * PyTorch model, gives the logits it gives here, to 1e-5 of the largest.
     */
    static void assertSameLogitsInTorch(Recipe r, Path ckpt, Path dir, String what) throws Exception {
        long[] tokens = {0, 1, 23, 5, 17, 23, 22, 22, 23, 9, 3, 23};
        Path tokFile = dir.resolve("tokens.safetensors");
        Safetensors.write(tokFile, Map.of("tokens", Tensor.ofLongs(new long[] {4, 3}, tokens)), Map.of());
        Path out = dir.resolve("logits.safetensors");
        Files.deleteIfExists(out);
        Process p = new ProcessBuilder(
                        PYTHON.toString(),
                        TestRuns.projectFile("tools/oracle/check_checkpoint.py").toString(),
                        ckpt.toString(),
                        tokFile.toString(),
                        out.toString())
                .redirectErrorStream(true)
                .start();
        String log = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(120, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), log);
        float[] theirs = Safetensors.read(out).get("logits").toFloats();

        TensorEngine.start(1);
        try (NDManager m = NDManager.newBaseManager();
                Model model = r.model().build(m, 0)) {
            Checkpoints.loadWeights(ckpt, model);
            try (StepScope s = new StepScope()) {
                float[] ours =
                        model.forwardAll(Ops.longs(m, tokens, new Shape(4, 3))).toFloatArray();
                assertEquals(theirs.length, ours.length);
                double maxAbs = 0;
                double maxDiff = 0;
                for (int i = 0; i < ours.length; i++) {
                    maxAbs = Math.max(maxAbs, Math.abs(theirs[i]));
                    maxDiff = Math.max(maxDiff, Math.abs(theirs[i] - ours[i]));
                }
                assertTrue(maxDiff <= 1e-5 * maxAbs, what + ": max |diff| " + maxDiff + " vs max |logit| " + maxAbs);
            }
        }
    }

    private static boolean hasTorch() throws Exception {
        if (!Files.isExecutable(PYTHON)) {
            return false;
        }
        Process p = new ProcessBuilder(PYTHON.toString(), "-c", "import torch")
                .redirectErrorStream(true)
                .start();
        p.getInputStream().readAllBytes();
        return p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0;
    }
}

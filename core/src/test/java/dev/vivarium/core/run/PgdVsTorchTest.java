package dev.vivarium.core.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.vivarium.core.engine.Ops;
import dev.vivarium.core.engine.StepScope;
import dev.vivarium.core.engine.TensorEngine;
import dev.vivarium.core.hook.HookScope;
import dev.vivarium.core.model.Model;
import dev.vivarium.core.recipe.Recipe;
import dev.vivarium.core.recipe.RecipeLoader;
import dev.vivarium.core.train.Adversarial;
import dev.vivarium.core.train.Loss;
import dev.vivarium.core.train.Pgd;
import dev.vivarium.store.run.RunDir;
import dev.vivarium.store.safetensors.Safetensors;
import dev.vivarium.store.safetensors.SafetensorsFile;
import dev.vivarium.store.safetensors.Tensor;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedding-space PGD attack gives the perturbation and the attacked loss of an independent PyTorch
 * implementation ({@code tools/oracle/pgd_attack.py}) on a small trained transformer, under both norms. Needs
 * Debian's python3-torch; skipped without it unless VIVARIUM_REQUIRE_TORCH is set.
 */
class PgdVsTorchTest {
    private static final Path PYTHON = Path.of("/usr/bin/python3");

    @TempDir
    Path runs;

    @Test
    void perturbationAndAttackedLossMatchPyTorch() throws Exception {
        boolean torch = hasTorch();
        if (System.getenv("VIVARIUM_REQUIRE_TORCH") == null) {
            Assumptions.assumeTrue(torch, "Debian's python3-torch is not installed; apt-get install python3-torch");
        }
        assertTrue(torch, "VIVARIUM_REQUIRE_TORCH is set but /usr/bin/python3 cannot import torch");
        Recipe r = RecipeLoader.load(
                TestRuns.recipe("tiny-modular.yaml"),
                List.of("train.steps=20", "train.checkpoints=1", "model.nLayers=2", "model.bias=true"));
        RunDir run = Experiment.start(
                r, runs, Optional.of("pgd"), List.of(), new PrintStream(OutputStream.nullOutputStream()));
        Path ckpt = run.checkpointFile(20);
        int batch = 16;
        long[] tokens = new long[batch * 3];
        long[] targets = new long[batch];
        for (int i = 0; i < batch; i++) {
            long a = (7L * i + 3) % 23;
            long b = (5L * i + 11) % 23;
            tokens[3 * i] = a;
            tokens[3 * i + 1] = b;
            tokens[3 * i + 2] = 23;
            targets[i] = (a + b) % 23;
        }
        Path data = runs.resolve("data.safetensors");
        Map<String, Tensor> d = new LinkedHashMap<>();
        d.put("tokens", Tensor.ofLongs(new long[] {batch, 3}, tokens));
        d.put("targets", Tensor.ofLongs(new long[] {batch, 1}, targets));
        d.put("scored", Tensor.ofLongs(new long[] {1}, new long[] {2}));
        Safetensors.write(data, d, Map.of());

        TensorEngine.start(1);
        try (NDManager m = NDManager.newBaseManager();
                Model model = r.model().build(m, 0)) {
            Checkpoints.loadWeights(ckpt, model);
            for (Adversarial a : List.of(
                    new Adversarial(0.3, 5, 0.1, Adversarial.Norm.L2, true),
                    new Adversarial(0.05, 4, 0.02, Adversarial.Norm.LINF, true))) {
                SafetensorsFile theirs = oracle(ckpt, data, a);
                float[] want = theirs.get("delta").toFloats();
                double wantLoss = theirs.get("loss").toDoubles()[0];
                try (StepScope s = new StepScope()) {
                    NDArray tok = Ops.longs(m, tokens, new Shape(batch, 3));
                    NDArray tgt = Ops.longs(m, targets, new Shape(batch, 1));
                    NDArray delta = new Pgd(a).attack(model, tok, tgt, new int[] {2});
                    float[] got = delta.toFloatArray();
                    assertEquals(want.length, got.length);
                    double maxDiff = 0;
                    for (int i = 0; i < got.length; i++) {
                        maxDiff = Math.max(maxDiff, Math.abs(got[i] - want[i]));
                    }
                    double clean = Loss.crossEntropy(model.logits(tok, new int[] {2}), tgt)
                            .getDouble();
                    double attacked;
                    try (HookScope h = Pgd.perturbed(model, delta)) {
                        attacked = Loss.crossEntropy(model.logits(tok, new int[] {2}), tgt)
                                .getDouble();
                    }
                    String what = a.norm().yamlName() + ": ";
                    assertTrue(maxDiff <= 1e-5 * a.epsilon(), what + "max |delta - torch delta| " + maxDiff);
                    assertTrue(
                            Math.abs(attacked - wantLoss) <= 1e-5 * Math.abs(wantLoss),
                            what + "attacked loss " + attacked + " vs torch " + wantLoss);
                    assertTrue(
                            attacked > 1.2 * clean, what + "the attack raised the loss " + clean + " -> " + attacked);
                }
            }
        }
    }

    private SafetensorsFile oracle(Path ckpt, Path data, Adversarial a) throws Exception {
        Path out = runs.resolve("pgd-" + a.norm().yamlName() + ".safetensors");
        Files.deleteIfExists(out);
        Process p = new ProcessBuilder(
                        PYTHON.toString(),
                        TestRuns.projectFile("tools/oracle/pgd_attack.py").toString(),
                        ckpt.toString(),
                        data.toString(),
                        out.toString(),
                        Double.toString(a.epsilon()),
                        Integer.toString(a.steps()),
                        Double.toString(a.stepSize()),
                        a.norm().yamlName())
                .redirectErrorStream(true)
                .start();
        String log = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(120, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), log);
        return Safetensors.read(out);
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

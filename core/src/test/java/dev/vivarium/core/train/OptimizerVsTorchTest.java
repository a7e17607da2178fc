package dev.vivarium.core.train;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.vivarium.core.EngineTest;
import dev.vivarium.core.engine.Ops;
import dev.vivarium.core.engine.StepScope;
import dev.vivarium.core.model.Params;
import dev.vivarium.store.safetensors.Safetensors;
import dev.vivarium.store.safetensors.SafetensorsFile;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * AdamW and SGD with momentum take the same steps as {@code torch.optim.AdamW} and
 * {@code torch.optim.SGD} (fixture from tools/oracle/make_optimizer_fixture.py), with a warm-up that
 * starts at learning rate 0. Gradients are set exactly by backward of {@code sum(p * g)}.
 */
class OptimizerVsTorchTest extends EngineTest {
    @ParameterizedTest
    @ValueSource(strings = {"adamw", "sgd"})
    void stepsEqualPyTorch(String which) throws Exception {
        SafetensorsFile f = Safetensors.read(Path.of("src/test/resources/fixtures/optimizers.safetensors"));
        double[] lrs = f.get("lr").toDoubles();
        try (Params params = new Params(manager, 0)) {
            params.constant("w", 0f, true, 3, 4);
            params.load(Map.of("w", f.get("p0")), "p0");
            Function<Params, Optimizer> make =
                    "adamw".equals(which) ? p -> new AdamW(p, 0.9, 0.98, 1e-8, 1.0) : p -> new Sgd(p, 0.9, 0.01);
            Optimizer opt = make.apply(params);
            for (int s = 1; s <= lrs.length; s++) {
                try (StepScope scope = new StepScope()) {
                    Optimizer.zeroGradients(params);
                    NDArray g = Ops.floats(manager, f.get("g." + s).toFloats(), new Shape(3, 4));
                    try (GradientCollector gc = Engine.getEngine("PyTorch").newGradientCollector()) {
                        gc.backward(params.get("w").mul(g).sum());
                    }
                }
                opt.step("adamw".equals(which) ? lrs[s - 1] : lrs[s - 1] * 100);
                float[] ours = Params.toTensor(params.get("w")).toFloats();
                float[] theirs = f.get(which + "." + s).toFloats();
                float[] before = (s == 1 ? f.get("p0") : f.get(which + "." + (s - 1))).toFloats();
                double maxStep = 0;
                double maxDiff = 0;
                for (int i = 0; i < ours.length; i++) {
                    maxStep = Math.max(maxStep, Math.abs(theirs[i] - before[i]));
                    maxDiff = Math.max(maxDiff, Math.abs(theirs[i] - ours[i]));
                }
                // the update itself must agree to 1e-5 of its size (and absolutely to float32 rounding)
                assertTrue(
                        maxDiff <= 1e-5 * maxStep + 1e-7,
                        which + " step " + s + ": |ours - torch| " + maxDiff + ", step size " + maxStep);
                if (s > 1) {
                    assertTrue(maxStep > 1e-5, "the fixture must move the parameter");
                }
            }
        }
    }
}

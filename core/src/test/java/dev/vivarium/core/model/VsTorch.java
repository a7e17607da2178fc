package dev.vivarium.core.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.vivarium.core.Fixtures;
import dev.vivarium.core.Fixtures.Fixture;
import dev.vivarium.core.Steps;
import dev.vivarium.core.engine.StepScope;
import dev.vivarium.core.train.AdamW;
import dev.vivarium.store.safetensors.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * The checks shared by the transformer and MLP comparisons with PyTorch.
 *
 * <p>Relative error of a tensor is {@code max|a - b| / max(max|b|, 1e-30)} over the whole tensor,
 * with {@code b} PyTorch's value; it must be at most 1e-5. One gradient is zero in exact
 * arithmetic: {@code attn.b_K} (adding one vector to every key shifts each query's scores by a
 * constant, which softmax ignores), where both PyTorch and we hold float32 rounding noise of order
 * 1e-8 to 1e-7, so a relative error means nothing; there both values must be at most 1e-6 in
 * absolute value. Every other gradient of the fixtures has entries of size 0.03 or more.
 */
final class VsTorch {
    static final double RTOL = 1e-5;
    static final double TINY = 1e-30;
    /** Bound on a gradient that is zero in exact arithmetic, in both implementations. */
    static final double ZERO_ATOL = 1e-6;

    private VsTorch() {}

    /** forwardAll vs {@code expected.logits}; returns the relative error. */
    static double logits(Fixture f, Model model, NDManager manager) {
        Tensor expected = f.get("expected.logits");
        try (StepScope s = new StepScope()) {
            NDArray out = model.forwardAll(f.tokens(manager));
            long[] want =
                    f.isTransformer() ? expected.shape() : new long[] {expected.shape()[0], 1, expected.shape()[1]};
            assertArrayEquals(want, out.getShape().getShape(), f.name() + ": logits shape");
            double err = Fixtures.relErr(Fixtures.floats(out), Fixtures.floats(expected), TINY);
            assertTrue(err <= RTOL, f.name() + ": logits relative error " + err);
            return err;
        }
    }

    /** Loss and every gradient of the trained path ({@code logits(tokens, scored)}) vs PyTorch. */
    static List<String> lossAndGradients(Fixture f, Model model, NDManager manager) {
        Steps.Step step = Steps.scored(model, f.tokens(manager), f.targets(manager), f.scored());
        List<String> report = new ArrayList<>();
        double lossErr = Math.abs(step.loss() - f.expectedLoss()) / Math.abs(f.expectedLoss());
        assertTrue(lossErr <= RTOL, f.name() + ": loss " + step.loss() + " vs torch " + f.expectedLoss());
        report.add(String.format("loss %.3g", lossErr));

        Set<String> torchGrads = f.tensors().keySet().stream()
                .filter(n -> n.startsWith("grad."))
                .map(n -> n.substring("grad.".length()))
                .collect(Collectors.toCollection(TreeSet::new));
        assertEquals(torchGrads, new TreeSet<>(step.grads().keySet()), f.name() + ": trained parameters");
        double worst = 0;
        String worstName = "";
        for (String n : torchGrads) {
            float[] want = Fixtures.floats(f.get("grad." + n));
            float[] got = step.grads().get(n);
            if (n.endsWith("attn.b_K")) {
                assertTrue(
                        Fixtures.maxAbs(want) <= ZERO_ATOL && Fixtures.maxAbs(got) <= ZERO_ATOL,
                        f.name() + ": " + n + " should have a zero gradient: torch max " + Fixtures.maxAbs(want)
                                + ", ours " + Fixtures.maxAbs(got));
                continue;
            }
            double err = Fixtures.relErr(got, want, TINY);
            assertTrue(
                    err <= RTOL,
                    f.name() + ": gradient of " + n + " relative error " + err + " (max |torch grad| "
                            + Fixtures.maxAbs(want) + ")");
            if (err > worst) {
                worst = err;
                worstName = n;
            }
        }
        report.add(String.format("grad %.3g (%s)", worst, worstName));
        return report;
    }

    /** Frozen parameters: no {@code grad.} entry in the fixture, no gradient, zero before and after. */
    static List<String> frozenStayZero(Fixture f, Model model, NDManager manager) {
        Params params = model.params();
        List<String> frozen =
                params.names().stream().filter(n -> !params.isTrainable(n)).toList();
        for (String n : frozen) {
            assertFalse(f.tensors().containsKey("grad." + n), f.name() + ": torch trained " + n);
            assertFalse(params.get(n).hasGradient(), n + " requires a gradient");
            assertEquals(0.0, Fixtures.maxAbs(Fixtures.floats(params.get(n))), n + " not zero after load");
        }
        // a backward pass and an AdamW update with weight decay move every trained tensor, no frozen one
        float[] before = Fixtures.floats(params.get(params.trainableNames().get(0)));
        try (StepScope s = new StepScope()) {
            AdamW adam = new AdamW(params, 0.9, 0.98, 1e-8, 1.0);
            Steps.scored(model, f.tokens(manager), f.targets(manager), f.scored());
            adam.step(0.1);
        }
        assertTrue(
                Fixtures.relErr(
                                Fixtures.floats(
                                        params.get(params.trainableNames().get(0))),
                                before,
                                0)
                        > 1e-3,
                "the update did not move " + params.trainableNames().get(0));
        for (String n : frozen) {
            assertEquals(0.0, Fixtures.maxAbs(Fixtures.floats(params.get(n))), n + " not zero after an update");
        }
        return frozen;
    }
}

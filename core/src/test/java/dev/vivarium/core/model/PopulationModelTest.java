package dev.vivarium.core.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.vivarium.core.EngineTest;
import dev.vivarium.core.engine.Ops;
import dev.vivarium.core.train.Loss;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A population of M models computed as one equals M separate models: the same initial weights (member m
 * from seed m), the same logits at the scored positions and everywhere, and — for the sum over members of each
 * member's mean loss — the same gradients. The oracle is the single-model path, which is itself checked
 * against PyTorch ({@link TransformerVsTorchTest}, {@link MlpVsTorchTest}). Tolerance 1e-5 relative per tensor:
 * a batched matrix product may sum in another order than a plain one ({@code attn.b_K}, whose gradient is zero
 * in exact arithmetic, must be below 1e-6 in both).
 */
class PopulationModelTest extends EngineTest {
    private static final long[] SEEDS = {11, 5, 2024};
    private static final int BATCH = 4;
    private static final int SEQ = 6;

    @ParameterizedTest
    @ValueSource(strings = {"1L", "1L-ln", "2L", "2L-ln", "2L-attnonly-nobias", "1L-nobias-gelu"})
    void transformerPopulationEqualsSeparateModels(String name) {
        TransformerConfig cfg = ScoredPositionsTest.config(name);
        for (int[] scored : List.of(new int[] {SEQ - 1}, new int[] {2, 3, 4, 5}, new int[] {0, 2, 5})) {
            long[][] tokens = new long[SEEDS.length][];
            long[][] targets = new long[SEEDS.length][];
            Random r = new Random(7 + scored.length);
            for (int m = 0; m < SEEDS.length; m++) {
                tokens[m] = r.longs((long) BATCH * SEQ, 0, cfg.dVocab()).toArray();
                targets[m] = r.longs((long) BATCH * scored.length, 0, cfg.dVocabOut())
                        .toArray();
            }
            compare(cfg, tokens, new Shape(BATCH, SEQ), targets, scored, DataType.INT64);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"onehot", "embed", "dense"})
    void mlpPopulationEqualsSeparateModels(String input) {
        MlpConfig.Input in = MlpConfig.Input.valueOf(input.toUpperCase(java.util.Locale.ROOT));
        MlpConfig cfg = new MlpConfig(
                in,
                2,
                16,
                Activation.RELU,
                in == MlpConfig.Input.EMBED ? 4 : 0,
                true,
                3,
                in == MlpConfig.Input.DENSE ? 0 : 5,
                7);
        Random r = new Random(3);
        long[][] tokens = new long[SEEDS.length][];
        long[][] targets = new long[SEEDS.length][];
        for (int m = 0; m < SEEDS.length; m++) {
            tokens[m] = r.longs((long) BATCH * 3, 0, input.equals("dense") ? 1000 : 5)
                    .toArray();
            targets[m] = r.longs(BATCH, 0, 7).toArray();
        }
        compare(
                cfg,
                tokens,
                new Shape(BATCH, 3),
                targets,
                new int[] {0},
                input.equals("dense") ? DataType.FLOAT32 : DataType.INT64);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 3})
    void refusesInputsWithoutTheModelAxis(int members) {
        TransformerConfig cfg = ScoredPositionsTest.config("1L");
        try (Model model = cfg.build(manager, java.util.Arrays.copyOf(SEEDS, members))) {
            Shape wrong = members == 1 ? new Shape(1, BATCH, SEQ) : new Shape(BATCH, SEQ);
            NDArray tokens = manager.zeros(wrong, DataType.INT64);
            IllegalArgumentException e =
                    assertThrows(IllegalArgumentException.class, () -> model.logits(tokens, new int[] {SEQ - 1}));
            assertTrue(e.getMessage().contains("this model takes"), e.getMessage());
        }
    }

    private void compare(ModelConfig cfg, long[][] tokens, Shape one, long[][] targets, int[] scored, DataType type) {
        int members = SEEDS.length;
        try (Model pop = cfg.build(manager, SEEDS)) {
            assertEquals(members, pop.members());
            NDArray popTokens = stack(tokens, one, type);
            NDArray popTargets = stack(targets, new Shape(one.get(0), scored.length), DataType.INT64);
            NDArray popLogits;
            NDArray popAll;
            try (GradientCollector gc = Engine.getEngine("PyTorch").newGradientCollector()) {
                popLogits = pop.logits(popTokens, scored); // [M, batch, scored, vocab]
                popAll = pop.forwardAll(popTokens);
                NDArray logProbs = Ops.logSoftmax64(popLogits);
                NDArray perMember = Ops.gather(logProbs, popTargets.expandDims(-1), -1)
                        .reshape(members, -1)
                        .mean(new int[] {1})
                        .neg(); // [M]
                gc.backward(perMember.sum());
            }
            for (int m = 0; m < members; m++) {
                try (Model single = cfg.build(manager, SEEDS[m])) {
                    for (String n : single.params().names()) {
                        assertClose(
                                single.params().get(n), pop.params().get(n).get(m), 0, "initial " + n + " member " + m);
                    }
                    NDArray tok = popTokens.get(m);
                    NDArray tgt = popTargets.get(m);
                    NDArray logits;
                    NDArray all;
                    try (GradientCollector gc = Engine.getEngine("PyTorch").newGradientCollector()) {
                        logits = single.logits(tok, scored);
                        all = single.forwardAll(tok);
                        gc.backward(Loss.crossEntropy(logits, tgt));
                    }
                    assertClose(logits, popLogits.get(m), 1e-5, "logits member " + m);
                    assertClose(all, popAll.get(m), 1e-5, "forwardAll member " + m);
                    for (String n : single.params().trainableNames()) {
                        if (n.endsWith("attn.b_K")) { // zero in exact arithmetic: both must be rounding noise
                            assertClose(
                                    manager.zeros(single.params().get(n).getShape()),
                                    single.params().get(n).getGradient(),
                                    1,
                                    n);
                            assertClose(
                                    manager.zeros(single.params().get(n).getShape()),
                                    pop.params().get(n).getGradient().get(m),
                                    1,
                                    n);
                            continue;
                        }
                        assertClose(
                                single.params().get(n).getGradient(),
                                pop.params().get(n).getGradient().get(m),
                                1e-5,
                                "gradient of " + n + " member " + m);
                    }
                }
            }
        }
    }

    private NDArray stack(long[][] rows, Shape one, DataType type) {
        NDList parts = new NDList();
        for (long[] r : rows) {
            NDArray a = Ops.longs(manager, r, one);
            parts.add(
                    type == DataType.FLOAT32 ? a.toType(DataType.FLOAT32, false).div(1000f) : a);
        }
        return NDArrays.stack(parts);
    }

    private static void assertClose(NDArray expected, NDArray actual, double rel, String what) {
        assertArrayEquals(expected.getShape().getShape(), actual.getShape().getShape(), what + " shape");
        double[] e = expected.toType(DataType.FLOAT64, false).toDoubleArray();
        double[] a = actual.toType(DataType.FLOAT64, false).toDoubleArray();
        double diff = 0;
        double norm = 0;
        for (int i = 0; i < e.length; i++) {
            diff = Math.max(diff, Math.abs(e[i] - a[i]));
            norm = Math.max(norm, Math.abs(e[i]));
        }
        assertTrue(diff <= rel * Math.max(norm, 1e-6), what + ": max difference " + diff + " against max " + norm);
    }

    private static final class NDArrays {
        static NDArray stack(NDList parts) {
            return ai.djl.ndarray.NDArrays.stack(parts);
        }
    }
}

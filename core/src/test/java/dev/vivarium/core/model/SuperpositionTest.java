package dev.vivarium.core.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.vivarium.core.EngineTest;
import dev.vivarium.core.engine.Ops;
import dev.vivarium.core.engine.StepScope;
import dev.vivarium.core.train.Loss;
import dev.vivarium.core.train.Optimizer;
import dev.vivarium.store.safetensors.Tensor;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The toy model of superposition against the model written out by hand here in double precision: {@code h = W
 * x}, {@code x' = ReLU(W^T h + b)}, the importance-weighted loss {@code mean_{b,i} I_i (x'_i - x_i)^2} and its
 * gradients by the chain rule (no autograd). Also: a population of members computes what each member computes
 * alone, and the initial weights are N(0, 2/(n+m)).
 */
class SuperpositionTest extends EngineTest {
    private static final int N = 7;
    private static final int M = 3;
    private static final int BATCH = 11;

    @Test
    void weightedLossAndGradientsMatchAHandWrittenBackwardPass() {
        SplittableRandom r = new SplittableRandom(5);
        float[] x = new float[BATCH * N];
        for (int i = 0; i < x.length; i++) {
            x[i] = r.nextDouble() < 0.5 ? 0f : (float) r.nextDouble();
        }
        double[] importance = new double[N];
        for (int i = 0; i < N; i++) {
            importance[i] = Math.pow(0.7, i);
        }
        try (Model model = new SuperpositionConfig(N, M).build(manager, 3)) {
            float[] bias = new float[N];
            for (int i = 0; i < N; i++) {
                bias[i] = (float) (0.3 * (2 * r.nextDouble() - 1)); // some outputs cut by the ReLU
            }
            model.params()
                    .load(
                            Map.of(
                                    "W",
                                    model.params().toTensors().get("W"),
                                    "b_final",
                                    Tensor.ofFloats(new long[] {N}, bias)),
                            "test bias");
            float[] wf = model.params().get("W").toFloatArray();
            double[][] w = new double[M][N];
            for (int k = 0; k < M; k++) {
                for (int i = 0; i < N; i++) {
                    w[k][i] = wf[k * N + i];
                }
            }
            // by hand: forward, loss, and dL/dW, dL/db
            double loss = 0;
            double[][] gw = new double[M][N];
            double[] gb = new double[N];
            for (int b = 0; b < BATCH; b++) {
                double[] h = new double[M];
                for (int k = 0; k < M; k++) {
                    for (int i = 0; i < N; i++) {
                        h[k] += w[k][i] * x[b * N + i];
                    }
                }
                double[] g = new double[N]; // dL/dpre
                for (int i = 0; i < N; i++) {
                    double pre = bias[i];
                    for (int k = 0; k < M; k++) {
                        pre += w[k][i] * h[k];
                    }
                    double out = Math.max(0, pre);
                    double err = out - x[b * N + i];
                    loss += importance[i] * err * err / (BATCH * N);
                    g[i] = pre > 0 ? 2 * importance[i] * err / (BATCH * N) : 0;
                    gb[i] += g[i];
                }
                double[] gh = new double[M]; // dL/dh = W g
                for (int k = 0; k < M; k++) {
                    for (int i = 0; i < N; i++) {
                        gh[k] += w[k][i] * g[i];
                        gw[k][i] += h[k] * g[i]; // through the read-out W^T h
                    }
                }
                for (int k = 0; k < M; k++) {
                    for (int i = 0; i < N; i++) {
                        gw[k][i] += gh[k] * x[b * N + i]; // through the embedding W x
                    }
                }
            }
            double ours;
            float[] ourGw;
            float[] ourGb;
            try (StepScope s = new StepScope()) {
                Optimizer.zeroGradients(model.params());
                NDArray features = Ops.floats(manager, x, new Shape(BATCH, N));
                NDArray weights = Ops.doubles(manager, importance, new Shape(N));
                try (GradientCollector gc = Engine.getEngine("PyTorch").newGradientCollector()) {
                    NDArray l = Loss.mse(model.logits(features, new int[] {0}), toDouble(features), weights);
                    assertEquals(DataType.FLOAT64, l.getDataType());
                    ours = l.getDouble();
                    gc.backward(l);
                }
                ourGw = model.params().get("W").getGradient().toFloatArray();
                ourGb = model.params().get("b_final").getGradient().toFloatArray();
            }
            assertEquals(loss, ours, 1e-6 * loss, "weighted loss");
            double[] flatGw = new double[M * N];
            for (int k = 0; k < M; k++) {
                System.arraycopy(gw[k], 0, flatGw, k * N, N);
            }
            assertClose(flatGw, ourGw, "dL/dW");
            assertClose(gb, ourGb, "dL/db_final");
        }
    }

    @Test
    void aPopulationComputesWhatEachMemberComputesAlone() {
        long[] seeds = {4, 9, 1};
        SplittableRandom r = new SplittableRandom(8);
        float[] x = new float[seeds.length * BATCH * N];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) r.nextDouble();
        }
        SuperpositionConfig cfg = new SuperpositionConfig(N, M);
        try (Model pop = cfg.build(manager, seeds)) {
            float[] together = pop.logits(Ops.floats(manager, x, new Shape(seeds.length, BATCH, N)), new int[] {0})
                    .toFloatArray();
            for (int m = 0; m < seeds.length; m++) {
                try (Model alone = cfg.build(manager, seeds[m])) {
                    float[] xm = java.util.Arrays.copyOfRange(x, m * BATCH * N, (m + 1) * BATCH * N);
                    float[] own = alone.logits(Ops.floats(manager, xm, new Shape(BATCH, N)), new int[] {0})
                            .toFloatArray();
                    for (int j = 0; j < own.length; j++) {
                        assertEquals(own[j], together[m * BATCH * N + j], 1e-6f * Math.max(1, Math.abs(own[j])));
                    }
                }
            }
            assertThrows(
                    IllegalArgumentException.class,
                    () -> pop.logits(Ops.floats(manager, new float[BATCH * N], new Shape(BATCH, N)), new int[] {0}));
        }
    }

    @Test
    void initialWeightsAreXavierNormal() {
        int n = 400;
        int m = 100;
        try (Model model = new SuperpositionConfig(n, m).build(manager, 0)) {
            float[] w = model.params().get("W").toFloatArray();
            double sq = 0;
            for (float v : w) {
                sq += v * v;
            }
            double var = sq / w.length; // 40,000 draws: the variance within 2% of 2/(n+m) at 4 sigma
            assertEquals(2.0 / (n + m), var, 0.02 * 2.0 / (n + m));
            for (float b : model.params().get("b_final").toFloatArray()) {
                assertEquals(0f, b);
            }
            assertEquals(java.util.List.of("W", "b_final"), model.params().names());
            assertTrue(model.params().get("W").getShape().equals(new Shape(m, n)));
        }
    }

    private NDArray toDouble(NDArray features) {
        return features.toType(DataType.FLOAT64, true);
    }

    private static void assertClose(double[] expected, float[] actual, String what) {
        assertEquals(expected.length, actual.length, what);
        double num = 0;
        double den = 0;
        for (int i = 0; i < expected.length; i++) {
            num += (expected[i] - actual[i]) * (expected[i] - actual[i]);
            den += expected[i] * expected[i];
        }
        assertTrue(den > 0, what + " is not all zero");
        assertTrue(Math.sqrt(num / den) < 1e-5, what + ": relative error " + Math.sqrt(num / den));
    }
}

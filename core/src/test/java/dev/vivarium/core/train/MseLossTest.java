package dev.vivarium.core.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.vivarium.core.EngineTest;
import dev.vivarium.core.Fixtures;
import dev.vivarium.core.engine.Ops;
import dev.vivarium.core.engine.StepScope;
import dev.vivarium.core.model.Activation;
import dev.vivarium.core.model.MlpConfig;
import dev.vivarium.core.model.Model;
import dev.vivarium.core.model.Params;
import dev.vivarium.store.safetensors.Tensor;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The MSE of a dense-input MLP and every gradient of it, against a forward and backward pass of the same
 * network written out by hand here in double precision (an independent implementation: matrix loops and the
 * chain rule, no autograd). Relative error per tensor at most 1e-5, as the PyTorch comparisons allow for
 * float32 forward passes. Also: the loss is float64, is exactly 0 when the predictions are the targets, and
 * evaluation in chunks gives the same mean.
 */
class MseLossTest extends EngineTest {
    private static final int D = 5;
    private static final int WIDTH = 6;
    private static final int DEPTH = 2;
    private static final int BATCH = 9;

    @Test
    void lossAndGradientsMatchAHandWrittenBackwardPass() {
        MlpConfig cfg = new MlpConfig(MlpConfig.Input.DENSE, DEPTH, WIDTH, Activation.RELU, 0, true, D, 0, 1);
        SplittableRandom r = new SplittableRandom(3);
        float[] x = new float[BATCH * D];
        float[] y = new float[BATCH];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (2 * r.nextDouble() - 1);
        }
        for (int i = 0; i < y.length; i++) {
            y[i] = (float) (2 * r.nextDouble() - 1);
        }
        try (Model model = cfg.build(manager, 11)) {
            Params params = model.params();
            Map<String, Tensor> withBiases = new LinkedHashMap<>(params.toTensors());
            for (String n : params.names()) {
                if (n.contains(".b_")) {
                    float[] b = new float[(int) params.get(n).size()];
                    for (int i = 0; i < b.length; i++) {
                        b[i] = (float) (0.5 * (2 * r.nextDouble() - 1)); // some units off for some inputs
                    }
                    withBiases.put(n, Tensor.ofFloats(params.get(n).getShape().getShape(), b));
                }
            }
            params.load(withBiases, "test biases");
            Map<String, double[][]> w = new LinkedHashMap<>();
            for (String n : params.names()) {
                w.put(n, matrix(params.get(n)));
            }

            double ours;
            Map<String, float[]> grads = new LinkedHashMap<>();
            try (StepScope s = new StepScope()) {
                Optimizer.zeroGradients(params);
                NDArray features = Ops.floats(manager, x, new Shape(BATCH, D));
                NDArray values = Ops.doubles(manager, toDouble(y), new Shape(BATCH, 1));
                try (GradientCollector gc = Engine.getEngine("PyTorch").newGradientCollector()) {
                    NDArray loss = Loss.mse(model.logits(features, new int[] {0}), values);
                    assertEquals(DataType.FLOAT64, loss.getDataType(), "the loss is float64");
                    ours = loss.getDouble();
                    gc.backward(loss);
                }
                for (String n : params.trainableNames()) {
                    grads.put(n, Fixtures.floats(params.get(n).getGradient()));
                }
            }

            Map<String, double[][]> want = new LinkedHashMap<>();
            double expected = byHand(w, x, y, want);
            assertEquals(expected, ours, 1e-5 * expected, "MSE vs the hand-written forward pass");
            assertEquals(want.keySet(), grads.keySet(), "trained parameters");
            for (String n : want.keySet()) {
                float[] got = grads.get(n);
                float[] exp = flat(want.get(n));
                double err = Fixtures.relErr(got, exp, 1e-30);
                assertTrue(err <= 1e-5, n + ": gradient relative error " + err);
                assertTrue(Fixtures.maxAbs(exp) > 1e-4, n + ": a gradient too small to test");
            }
        }
    }

    @Test
    void theLossIsZeroExactlyWhenPredictionsAreTheTargetsAndChunksAgree() {
        MlpConfig cfg = new MlpConfig(MlpConfig.Input.DENSE, 1, 4, Activation.RELU, 0, true, 3, 0, 1);
        try (Model model = cfg.build(manager, 2);
                StepScope s = new StepScope()) {
            float[] x = new float[7 * 3];
            for (int i = 0; i < x.length; i++) {
                x[i] = (i % 5) * 0.3f - 0.6f;
            }
            NDArray features = Ops.floats(manager, x, new Shape(7, 3));
            NDArray predictions = model.logits(features, new int[] {0}); // [7, 1, 1]
            float[] p = predictions.toFloatArray();
            NDArray same = Ops.doubles(manager, toDouble(p), new Shape(7, 1));
            assertEquals(0.0, Loss.mse(predictions, same).getDouble());
            double[] shifted = toDouble(p);
            double sq = 0;
            for (int i = 0; i < shifted.length; i++) {
                shifted[i] += 1e-4 * (i + 1); // below float32 resolution of the sum of squares, not of float64
                sq += 1e-8 * (i + 1) * (i + 1);
            }
            NDArray off = Ops.doubles(manager, shifted, new Shape(7, 1));
            assertEquals(sq / 7, Loss.mse(predictions, off).getDouble(), 1e-6 * sq / 7);
            double whole = Evaluator.meanSquaredError(model, features, off, 100);
            for (int chunk : new int[] {1, 2, 3}) {
                assertEquals(whole, Evaluator.meanSquaredError(model, features, off, chunk), 1e-15, "chunk " + chunk);
            }
            assertEquals(sq / 7, whole, 1e-6 * sq / 7);
        }
    }

    /**
     * Forward and backward of the MLP in double precision; fills {@code grads} with d MSE / d parameter in the
     * parameters' shapes and returns the MSE.
     */
    private static double byHand(Map<String, double[][]> w, float[] x, float[] y, Map<String, double[][]> grads) {
        double[][][] h = new double[DEPTH + 1][][]; // h[0] the input, h[l+1] the output of hidden layer l
        double[][][] pre = new double[DEPTH][][];
        h[0] = new double[BATCH][D];
        for (int i = 0; i < BATCH; i++) {
            for (int k = 0; k < D; k++) {
                h[0][i][k] = x[i * D + k];
            }
        }
        for (int l = 0; l < DEPTH; l++) {
            pre[l] = affine(h[l], w.get("layers." + l + ".W_in"), w.get("layers." + l + ".b_in")[0]);
            h[l + 1] = new double[BATCH][WIDTH];
            for (int i = 0; i < BATCH; i++) {
                for (int j = 0; j < WIDTH; j++) {
                    h[l + 1][i][j] = Math.max(0, pre[l][i][j]);
                }
            }
        }
        double[][] out = affine(h[DEPTH], w.get("unembed.W_U"), w.get("unembed.b_U")[0]);
        double loss = 0;
        double[][] dOut = new double[BATCH][1];
        for (int i = 0; i < BATCH; i++) {
            double e = out[i][0] - y[i];
            loss += e * e / BATCH;
            dOut[i][0] = 2 * e / BATCH;
        }
        double[][] upstream = dOut;
        String[] names = new String[DEPTH + 1];
        for (int l = 0; l < DEPTH; l++) {
            names[l] = "layers." + l;
        }
        names[DEPTH] = "unembed";
        Map<String, double[][]> backwards = new LinkedHashMap<>();
        for (int l = DEPTH; l >= 0; l--) {
            String wName = l == DEPTH ? "unembed.W_U" : names[l] + ".W_in";
            String bName = l == DEPTH ? "unembed.b_U" : names[l] + ".b_in";
            double[][] delta = upstream; // d loss / d pre-activation of this layer
            if (l < DEPTH) {
                delta = new double[BATCH][WIDTH];
                for (int i = 0; i < BATCH; i++) {
                    for (int j = 0; j < WIDTH; j++) {
                        delta[i][j] = pre[l][i][j] > 0 ? upstream[i][j] : 0;
                    }
                }
            }
            double[][] wl = w.get(wName);
            double[][] dW = new double[wl.length][wl[0].length];
            double[][] dB = new double[1][wl[0].length];
            double[][] dIn = new double[BATCH][wl.length];
            for (int i = 0; i < BATCH; i++) {
                for (int a = 0; a < wl.length; a++) {
                    for (int b = 0; b < wl[0].length; b++) {
                        dW[a][b] += h[l][i][a] * delta[i][b];
                        dIn[i][a] += wl[a][b] * delta[i][b];
                    }
                }
                for (int b = 0; b < wl[0].length; b++) {
                    dB[0][b] += delta[i][b];
                }
            }
            backwards.put(wName, dW);
            backwards.put(bName, dB);
            upstream = dIn;
        }
        for (String n : w.keySet()) {
            grads.put(n, backwards.get(n)); // in the parameters' order
        }
        return loss;
    }

    private static double[][] affine(double[][] in, double[][] w, double[] b) {
        double[][] out = new double[in.length][w[0].length];
        for (int i = 0; i < in.length; i++) {
            for (int j = 0; j < w[0].length; j++) {
                double s = b[j];
                for (int k = 0; k < w.length; k++) {
                    s += in[i][k] * w[k][j];
                }
                out[i][j] = s;
            }
        }
        return out;
    }

    /** A parameter as a matrix: {@code [rows, cols]}, a vector as one row. */
    private static double[][] matrix(NDArray a) {
        float[] v = Fixtures.floats(a);
        long[] shape = a.getShape().getShape();
        int rows = shape.length == 1 ? 1 : (int) shape[0];
        int cols = (int) shape[shape.length - 1];
        double[][] m = new double[rows][cols];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                m[i][j] = v[i * cols + j];
            }
        }
        return m;
    }

    private static float[] flat(double[][] m) {
        float[] f = new float[m.length * m[0].length];
        for (int i = 0; i < m.length; i++) {
            for (int j = 0; j < m[0].length; j++) {
                f[i * m[0].length + j] = (float) m[i][j];
            }
        }
        return f;
    }

    private static double[] toDouble(float[] v) {
        double[] d = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            d[i] = v[i];
        }
        return d;
    }
}

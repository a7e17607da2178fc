package dev.vivarium.core.task;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * The teacher task's data against structural facts that hold whatever the random streams are: the inputs lie
 * in the column space of an orthonormal basis and fill the cube {@code [-1, 1]^d} there, the targets are the
 * teacher's forward pass (checked by a forward pass written out here by hand), noise touches the training
 * targets only, and everything is a function of the seed.
 */
class TeacherTest {
    private static final Teacher TASK = new Teacher(12, 3, 10, 2, 0.0, 3000, 1000);

    @Test
    void theBasisHasOrthonormalColumns() {
        double[][] a = TASK.basis(4);
        assertEquals(12, a.length);
        for (int j = 0; j < 3; j++) {
            for (int k = 0; k < 3; k++) {
                double dot = 0;
                for (double[] row : a) {
                    dot += row[j] * row[k];
                }
                assertEquals(j == k ? 1.0 : 0.0, dot, 1e-12, "column " + j + " . column " + k);
            }
        }
    }

    /**
     * Each input minus its projection onto span(A) is zero to float32 rounding, and its coordinates
     * {@code z = A^T x} fill [-1, 1]^d: within the cube, near both faces in every dimension, mean about 0,
     * variance about 1/3 (the uniform distribution's).
     */
    @Test
    void inputsLieOnTheSubspaceAndFillTheCube() {
        long seed = 4;
        double[][] a = TASK.basis(seed);
        Dense all = TASK.generate(seed).dense();
        assertEquals(4000, all.n());
        assertEquals(12, all.dIn());
        int d = 3;
        double[] min = new double[d];
        double[] max = new double[d];
        double[] sum = new double[d];
        double[] sq = new double[d];
        Arrays.fill(min, Double.POSITIVE_INFINITY);
        Arrays.fill(max, Double.NEGATIVE_INFINITY);
        double worstResidual = 0;
        for (int i = 0; i < all.n(); i++) {
            double[] z = new double[d];
            for (int j = 0; j < d; j++) {
                for (int k = 0; k < 12; k++) {
                    z[j] += a[k][j] * all.features()[i * 12 + k];
                }
            }
            for (int k = 0; k < 12; k++) {
                double proj = 0;
                for (int j = 0; j < d; j++) {
                    proj += a[k][j] * z[j];
                }
                worstResidual = Math.max(worstResidual, Math.abs(all.features()[i * 12 + k] - proj));
            }
            for (int j = 0; j < d; j++) {
                min[j] = Math.min(min[j], z[j]);
                max[j] = Math.max(max[j], z[j]);
                sum[j] += z[j];
                sq[j] += z[j] * z[j];
            }
        }
        assertTrue(worstResidual < 1e-6, "distance from the subspace " + worstResidual);
        for (int j = 0; j < d; j++) {
            assertTrue(min[j] >= -1 - 1e-6 && max[j] <= 1 + 1e-6, "z" + j + " in [" + min[j] + ", " + max[j] + "]");
            assertTrue(min[j] < -0.99 && max[j] > 0.99, "z" + j + " reaches [" + min[j] + ", " + max[j] + "]");
            double mean = sum[j] / all.n();
            double var = sq[j] / all.n() - mean * mean;
            assertEquals(0, mean, 0.05, "mean of z" + j);
            assertEquals(1.0 / 3, var, 0.03, "variance of z" + j);
        }
    }

    /** The targets are the teacher's output: a forward pass of its weights written out by hand here. */
    @Test
    void targetsAreTheTeachersForwardPassByHand() {
        long seed = 9;
        Teacher.Net net = TASK.net(seed);
        assertEquals(3, net.weights().length, "two hidden layers and the output");
        assertEquals(12, net.weights()[0].length);
        assertEquals(10, net.weights()[0][0].length);
        assertEquals(1, net.weights()[2][0].length);
        Dense all = TASK.generate(seed).dense();
        for (int i : new int[] {0, 1, 2999, 3000, 3999}) {
            double[] h = toDouble(all.features(), i * 12, 12);
            for (int l = 0; l < 3; l++) {
                double[][] w = net.weights()[l];
                double[] out = new double[w[0].length];
                for (int o = 0; o < out.length; o++) {
                    double s = net.biases()[l][o];
                    for (int k = 0; k < h.length; k++) {
                        s += w[k][o] * h[k];
                    }
                    out[o] = l < 2 && s < 0 ? 0 : s;
                }
                h = out;
            }
            assertEquals((float) h[0], all.values()[i], 1e-6 * Math.max(1, Math.abs(h[0])), "target of example " + i);
            assertEquals(h[0], net.forward(toDouble(all.features(), i * 12, 12)), 1e-12);
        }
        // a teacher worth learning: targets vary, and not all hidden units are dead
        assertTrue(all.targetVariance() > 0.01, "target variance " + all.targetVariance());
    }

    @Test
    void theSplitIsSamplesThenTestSamples() {
        TaskConfig.Data data = TASK.generate(1);
        assertTrue(data.regression());
        data.split().validate(data.n());
        assertEquals(3000, data.split().train().length);
        assertEquals(3000, data.split().test()[0]);
        assertEquals(1000, data.testDense().n());
        assertArrayEquals(
                Arrays.copyOfRange(data.dense().values(), 3000, 4000),
                data.testDense().values());
    }

    @Test
    void theSameSeedGivesTheSameDataAndAnotherSeedOtherData() {
        Dense a = TASK.generate(5).dense();
        Dense b = TASK.generate(5).dense();
        Dense c = TASK.generate(6).dense();
        assertArrayEquals(a.features(), b.features());
        assertArrayEquals(a.values(), b.values());
        assertFalse(Arrays.equals(a.features(), c.features()), "the seed does not move the inputs");
        assertFalse(Arrays.equals(a.values(), c.values()), "the seed does not move the targets");
        assertFalse(Arrays.deepEquals(TASK.basis(5), TASK.basis(6)), "the seed does not move the subspace");
        assertFalse(
                Arrays.deepEquals(TASK.net(5).weights(), TASK.net(6).weights()), "the seed does not move the teacher");
    }

    /** Noise moves every training target and no test target, with about the standard deviation asked for. */
    @Test
    void noiseIsOnTrainingTargetsOnly() {
        Teacher noisy = new Teacher(12, 3, 10, 2, 0.1, 3000, 1000);
        Dense clean = TASK.generate(2).dense();
        Dense withNoise = noisy.generate(2).dense();
        assertArrayEquals(clean.features(), withNoise.features());
        double sq = 0;
        for (int i = 0; i < 3000; i++) {
            double e = withNoise.values()[i] - clean.values()[i];
            assertTrue(e != 0, "training target " + i + " has no noise");
            sq += e * e;
        }
        assertEquals(0.1, Math.sqrt(sq / 3000), 0.01, "noise standard deviation");
        assertArrayEquals(
                Arrays.copyOfRange(clean.values(), 3000, 4000), Arrays.copyOfRange(withNoise.values(), 3000, 4000));
    }

    @Test
    void badFieldsAreRefusedNamingTheField() {
        refused("dataDim: must be in [1, inputDim=4]", () -> new Teacher(4, 5, 8, 2, 0, 10, 10));
        refused("dataDim:", () -> new Teacher(4, 0, 8, 2, 0, 10, 10));
        refused("inputDim:", () -> new Teacher(0, 1, 8, 2, 0, 10, 10));
        refused("noise: must be a standard deviation >= 0", () -> new Teacher(4, 2, 8, 2, -0.1, 10, 10));
        refused("noise:", () -> new Teacher(4, 2, 8, 2, Double.NaN, 10, 10));
        refused("samples: must be a positive integer, got 0", () -> new Teacher(4, 2, 8, 2, 0, 0, 10));
        refused("testSamples: must be a positive integer, got 0", () -> new Teacher(4, 2, 8, 2, 0, 10, 0));
        refused("teacherWidth:", () -> new Teacher(4, 2, 0, 2, 0, 10, 10));
        refused("teacherDepth:", () -> new Teacher(4, 2, 8, 0, 0, 10, 10));
        refused("samples: (samples + testSamples) * inputDim", () -> new Teacher(4096, 2, 8, 2, 0, 1_000_000, 10));
    }

    private static void refused(String start, Supplier<Teacher> make) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, make::get);
        assertTrue(e.getMessage().startsWith(start), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), "one line: " + e.getMessage());
    }

    private static double[] toDouble(float[] v, int from, int n) {
        double[] d = new double[n];
        for (int i = 0; i < n; i++) {
            d[i] = v[from + i];
        }
        return d;
    }
}

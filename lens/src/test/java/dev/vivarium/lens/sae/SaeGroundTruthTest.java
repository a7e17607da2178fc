package dev.vivarium.lens.sae;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.vivarium.core.engine.Ops;
import java.util.Locale;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Ground truth: activations made of k-sparse nonnegative combinations of known random unit directions. A trained SAE
 * must recover at least 90% of the directions, a direction counting as recovered when some decoder row has cosine at
 * least 0.9 with it (the test of Sharkey et al. 2022's toy data, as the issue states it).
 */
class SaeGroundTruthTest {
    static final int D = 32;
    static final int FEATURES = 64;
    static final int ACTIVE = 3;
    static final int ROWS = 8192;

    static NDManager manager;

    @BeforeAll
    static void open() {
        manager = NDManager.newBaseManager("PyTorch");
    }

    @AfterAll
    static void close() {
        manager.close();
    }

    /** Rows {@code sum_{i in S} c_i u_i}, |S| = 3 drawn uniformly, c_i uniform in [0, 1]; the unit u_i returned. */
    static double[][] directions(long seed) {
        Random r = new Random(seed);
        double[][] u = new double[FEATURES][D];
        for (double[] row : u) {
            double norm = 0;
            for (int j = 0; j < D; j++) {
                row[j] = r.nextGaussian();
                norm += row[j] * row[j];
            }
            for (int j = 0; j < D; j++) {
                row[j] /= Math.sqrt(norm);
            }
        }
        return u;
    }

    static float[] rows(double[][] u, long seed) {
        Random r = new Random(seed + 1);
        float[] x = new float[ROWS * D];
        for (int n = 0; n < ROWS; n++) {
            java.util.Set<Integer> chosen = new java.util.HashSet<>();
            while (chosen.size() < ACTIVE) {
                chosen.add(r.nextInt(FEATURES));
            }
            for (int i : chosen) {
                double c = r.nextDouble();
                for (int j = 0; j < D; j++) {
                    x[n * D + j] += (float) (c * u[i][j]);
                }
            }
        }
        return x;
    }

    /** The fraction of true directions with a decoder row at cosine >= 0.9. */
    static double recovered(double[][] u, double[][] rows) {
        int hit = 0;
        for (double[] t : u) {
            double best = -1;
            for (double[] w : rows) {
                double dot = 0;
                double norm = 0;
                for (int j = 0; j < D; j++) {
                    dot += t[j] * w[j];
                    norm += w[j] * w[j];
                }
                best = Math.max(best, dot / Math.sqrt(norm));
            }
            hit += best >= 0.9 ? 1 : 0;
        }
        return hit / (double) u.length;
    }

    static double check(SaeOptions o, long seed) {
        double[][] u = directions(seed);
        NDArray x = Ops.floats(manager, rows(u, seed), new Shape(ROWS, D));
        SaeTrainer.Result r = SaeTrainer.train(x, o, manager);
        try (Sae sae = r.sae()) {
            double got = recovered(u, sae.directions());
            SaeMetrics m = SaeMetrics.of(sae, x);
            System.out.printf(
                    Locale.ROOT,
                    "%s: recovered %.3f, L0 %.2f, FVU %.4f, dead %.3f, %.1f s, resampled %s%n",
                    o.variant().cliName(),
                    got,
                    m.l0(),
                    m.fvu(),
                    m.deadFraction(),
                    r.seconds(),
                    r.resampled());
            return got;
        }
    }

    @Test
    void topKRecoversTheDirections() {
        SaeOptions o = new SaeOptions(Optional.empty(), SaeOptions.Variant.TOPK, 4, 0, ACTIVE, 1500, 3e-3, 256, 0);
        assertTrue(check(o, 7) >= 0.9);
    }

    @Test
    void reluWithL1RecoversTheDirections() {
        SaeOptions o = new SaeOptions(Optional.empty(), SaeOptions.Variant.RELU, 4, 1.0, 1, 1500, 3e-3, 256, 0);
        assertTrue(check(o, 7) >= 0.9);
    }
}

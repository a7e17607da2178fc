package dev.vivarium.lens.probe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.vivarium.core.model.Transformer;
import dev.vivarium.lens.TestModels;
import dev.vivarium.lens.cache.Activations;
import dev.vivarium.lens.cache.Caching;
import dev.vivarium.lens.cache.NameFilter;
import dev.vivarium.lens.numeric.Tensors;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ProbeTest {
    static final int N = 1200;
    static final int VOCAB = 11;

    /** The residual stream after block 0 at position 1, and the token there, for random sequences. */
    record Data(double[][] x, long[] token) {}

    static Data activations() {
        TestModels.engine();
        try (NDManager m = NDManager.newBaseManager();
                Transformer model = TestModels.transformer(TestModels.small(true), m, 31)) {
            NDArray tokens = TestModels.tokens(m, N, 6, VOCAB, 32);
            try (Activations cache = Caching.run(model, tokens, NameFilter.names("blocks.0.hook_resid_post"), m)) {
                double[][] x =
                        Tensors.matrix(cache.get("blocks.0.hook_resid_post").get(":, 1, :")); // [N, dModel]
                long[] t = tokens.get(":, 1").toLongArray();
                return new Data(x, t);
            }
        }
    }

    @Test
    void aProbeOnRandomLabelsScoresAtChanceWhileTheTokenIsDecodable() {
        Data d = activations();
        int[] token = new int[N];
        for (int i = 0; i < N; i++) {
            token[i] = (int) d.token()[i];
        }
        int classes = VOCAB;
        int[] random = ControlTask.random(N, classes, 5);
        for (Probing.Kind kind : Probing.Kind.values()) {
            Probing.Report r = Probing.evaluate(d.x(), token, random, classes, kind, 1e-3, 0.5, 7);
            System.out.println(r);
            // 600 held-out examples: one standard error of a chance accuracy of 1/11 is 0.012
            assertEquals(1.0 / classes, r.controlTestAccuracy(), 0.04, kind + ": random labels at chance " + r);
            assertTrue(r.testAccuracy() > 0.95, kind + ": the token is linearly decodable " + r);
            assertTrue(r.selectivity() > 0.8, kind + ": selective " + r);
        }
        // Hewitt and Liang's control: a random label (of 4) per token type, learnable by memorising types
        // as far as a linear map can group them, so selectivity is far lower than against random labels
        int[] byType = ControlTask.byType(d.token(), 4, 3);
        Probing.Report r = Probing.evaluate(d.x(), token, byType, classes, Probing.Kind.LOGISTIC, 1e-3, 0.5, 7);
        assertTrue(r.controlTestAccuracy() > 0.6, "the type control is learnable well above chance (1/4) " + r);
        assertTrue(r.selectivity() < 0.4, "so selectivity is low " + r);
    }

    @Test
    void logisticLossGradientMatchesFiniteDifferences() {
        SplittableRandom r = new SplittableRandom(1);
        int n = 30;
        int p = 4;
        int k = 3;
        double[][] z = new double[n][p];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < p; j++) {
                z[i][j] = r.nextDouble() * 2 - 1;
            }
            y[i] = r.nextInt(k);
        }
        double[] theta = new double[(p + 1) * k];
        for (int i = 0; i < theta.length; i++) {
            theta[i] = r.nextDouble() - 0.5;
        }
        double[] grad = new double[theta.length];
        LogisticProbe.loss(z, y, theta, grad, p, k, 0.3);
        double[] scratch = new double[theta.length];
        for (int i = 0; i < theta.length; i++) {
            double h = 1e-6;
            double[] a = theta.clone();
            double[] b = theta.clone();
            a[i] += h;
            b[i] -= h;
            double fd =
                    (LogisticProbe.loss(z, y, a, scratch, p, k, 0.3) - LogisticProbe.loss(z, y, b, scratch, p, k, 0.3))
                            / (2 * h);
            assertEquals(fd, grad[i], 1e-7);
        }
    }
}

package dev.vivarium.lens.heads;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import dev.vivarium.core.model.Activation;
import dev.vivarium.core.model.Transformer;
import dev.vivarium.core.model.TransformerConfig;
import dev.vivarium.core.run.Checkpoints;
import dev.vivarium.core.task.Examples;
import dev.vivarium.core.task.Induction;
import dev.vivarium.laws.detect.Series;
import dev.vivarium.lens.Oracle;
import dev.vivarium.lens.TestModels;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The induction-head scores against closed forms (a head that attends exactly to the previous token scores 1,
 * a uniform causal head the mean of 1/(q+1)), against tools/oracle/lens_heads.py (numpy) on a two-layer
 * attention-only model with planted heads, and the phase-change reading on a series whose change is known.
 */
class HeadsTest {
    private static final int L = 5;
    private static final int T = 2 * L + 1;

    /** {@code [examples][heads][T][T]}: head 0 attends to q-1 (q=0 to itself), head 1 to q-L+1 in the repeat, head 2 uniformly. */
    private static double[][][][] planted(int examples) {
        double[][][][] p = new double[examples][3][T][T];
        for (double[][][] ex : p) {
            for (int q = 0; q < T; q++) {
                ex[0][q][Math.max(q - 1, 0)] = 1;
                ex[1][q][q >= L + 1 ? q - L + 1 : 0] = 1;
                for (int k = 0; k <= q; k++) {
                    ex[2][q][k] = 1.0 / (q + 1);
                }
            }
        }
        return p;
    }

    @Test
    void closedFormPatternsScoreAsDefined() {
        double[][][][] p = planted(3);
        double uniformPrev = 0;
        for (int q = 1; q < T; q++) {
            uniformPrev += 1.0 / (q + 1) / (T - 1);
        }
        double uniformMatch = 0;
        for (int q = L + 1; q <= 2 * L; q++) {
            uniformMatch += 1.0 / (q + 1) / L;
        }
        double[] prev = HeadScores.previousToken(p);
        double[] match = HeadScores.prefixMatching(p, new int[] {L, L, L});
        assertEquals(1.0, prev[0], 1e-15);
        assertEquals(uniformPrev, prev[2], 1e-15);
        assertEquals(1.0, match[1], 1e-15);
        assertEquals(uniformMatch, match[2], 1e-15);
        assertEquals(0.0, match[0], 1e-15, "a previous-token head does not prefix-match when L > 2");
        // the planted induction head's only previous-token attention is q = 1 to BOS (its rows before L+1 look at 0)
        assertEquals(1.0 / (T - 1), prev[1], 1e-15);
    }

    @Test
    void copyingScoreOfClosedFormMatrices() {
        int n = 5;
        double[][] id = new double[n][n];
        double[][] neg = new double[n][n];
        for (int i = 0; i < n; i++) {
            id[i][i] = 3;
            neg[i][i] = -2;
        }
        assertEquals(1.0, HeadScores.copying(id), 1e-12);
        assertEquals(-1.0, HeadScores.copying(neg), 1e-12);
        assertEquals(0.0, HeadScores.copying(new double[n][n]), 0);
        double theta = 1.1; // a rotation's eigenvalues are exp(+-i theta): sum 2 cos theta, moduli 2
        double[][] rot = new double[n][n];
        rot[0][0] = Math.cos(theta);
        rot[0][1] = -Math.sin(theta);
        rot[1][0] = Math.sin(theta);
        rot[1][1] = Math.cos(theta);
        assertEquals(Math.cos(theta), HeadScores.copying(rot), 1e-12);
        // a triangular matrix's eigenvalues are its diagonal: (2, -1, 1, 0, 0) scores (2-1+1)/(2+1+1)
        double[][] tri = {{2, 5, -1, 3, 1}, {0, -1, 4, 2, 0}, {0, 0, 1, -3, 2}, {0, 0, 0, 0, 7}, {0, 0, 0, 0, 0}};
        assertEquals(0.5, HeadScores.copying(tri), 1e-9);
    }

    @Test
    void scoresOfAModelMatchTheNumpyOracle() throws Exception {
        JsonNode want = Oracle.json("heads.json");
        int vocab = want.get("vocab").asInt();
        int prefixLen = want.get("prefixLen").asInt();
        JsonNode c = want.get("config");
        TransformerConfig cfg = new TransformerConfig(
                2,
                c.get("dModel").asInt(),
                c.get("nHeads").asInt(),
                c.get("dHead").asInt(),
                0,
                Activation.RELU,
                false,
                true,
                false,
                vocab + 1,
                vocab,
                2 * prefixLen + 1);
        JsonNode tok = want.get("tokens");
        int n = tok.size();
        int len = 2 * prefixLen + 1;
        long[] tokens = new long[n * len];
        long[] targets = new long[n * (len - 1)];
        for (int i = 0; i < n; i++) {
            for (int p = 0; p < len; p++) {
                tokens[i * len + p] = tok.get(i).get(p).asLong();
                if (p > 0) {
                    targets[i * (len - 1) + p - 1] = tokens[i * len + p];
                }
            }
        }
        Induction task = new Induction(vocab, prefixLen, prefixLen - 1, 2, 1.0, 10, 10);
        int[] periods = new int[n];
        for (int i = 0; i < n; i++) {
            periods[i] = want.get("periods").get(i).asInt();
        }
        Examples ex = new Examples(n, len, tokens, task.scored(), targets);
        TestModels.engine();
        try (NDManager m = NDManager.newBaseManager();
                Transformer model = cfg.build(m, 0)) {
            Checkpoints.loadWeights(
                    Path.of(getClass()
                            .getResource("/oracle/heads_model.safetensors")
                            .toURI()),
                    model);
            CheckpointHeads got = CheckpointHeads.measure(7, model, task, ex, m);
            for (int l = 0; l < 2; l++) {
                assertArrayEquals(Oracle.vector(want.get("previous_token").get(l)), got.previousToken()[l], 2e-5);
                assertArrayEquals(Oracle.vector(want.get("prefix_matching").get(l)), got.prefixMatching()[l], 2e-5);
                assertArrayEquals(Oracle.vector(want.get("copying").get(l)), got.copying()[l], 1e-5);
            }
            double[] loss = Oracle.vector(want.get("loss_by_position"));
            assertArrayEquals(loss, got.lossByPosition(), 1e-4);
            assertEquals(want.get("loss_repeat").asDouble(), got.lossRepeat(), 1e-4);
            assertEquals(want.get("loss_first").asDouble(), got.lossFirst(), 1e-4);
            assertEquals(got.lossRepeat() - got.lossFirst(), got.iclScore(), 1e-15);
            Examples exCheck = ex;
            for (int i = 0; i < n; i++) {
                assertEquals(periods[i], task.period(exCheck, i), "prefix length of sequence " + i);
            }
            assertTrue(got.previousToken()[0][0] > 0.4, "the planted previous-token head stands out");
            assertTrue(got.copying()[1][0] > 0.95, "the planted copying head copies");
        }
    }

    @Test
    void thePhaseChangeIsTheSteepestFallOfTheDetectedSegments() {
        // bigram learning (4.1 -> 1.4 over steps 0-300, a fall of 1.07 in log-loss), a plateau, the induction
        // drop (1.4 -> 0.05 over steps 1000-1200, 3.3 in log-loss), a plateau; 1% multiplicative noise
        int n = 81;
        double[] x = new double[n];
        double[] y = new double[n];
        SplittableRandom r = new SplittableRandom(3);
        for (int i = 0; i < n; i++) {
            x[i] = 25.0 * i;
            double s = x[i];
            double log = s <= 300
                    ? Math.log(4.1) + (Math.log(1.4) - Math.log(4.1)) * s / 300
                    : s <= 1000
                            ? Math.log(1.4)
                            : s <= 1200
                                    ? Math.log(1.4) + (Math.log(0.05) - Math.log(1.4)) * (s - 1000) / 200
                                    : Math.log(0.05);
            y[i] = Math.exp(log + 0.01 * r.nextGaussian());
        }
        PhaseChange c = PhaseChange.of(new Series("loss", x, y), HeadsAnalysis.LOG_DETECTOR, PhaseChange.Direction.FALL)
                .orElseThrow();
        assertEquals(1000, c.from(), 50);
        assertEquals(1200, c.to(), 50);
        // read as a rise (a score), the same series has none
        assertTrue(PhaseChange.of(new Series("loss", x, y), HeadsAnalysis.LOG_DETECTOR, PhaseChange.Direction.RISE)
                .isEmpty());
    }
}

package dev.vivarium.lens.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vivarium.lens.Oracle;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The auditors' definitions against independent routes, a planted sub-population, and the null. */
class AuditorsTest {
    @Test
    void aurocEqualsScipysMannWhitneyWithTies() {
        JsonNode cases = Oracle.json("audit.json").get("auroc");
        assertEquals(4, cases.size());
        for (JsonNode c : cases) {
            double[] s = Oracle.vector(c.get("scores"));
            boolean[] y = new boolean[s.length];
            for (int i = 0; i < y.length; i++) {
                y[i] = c.get("positive").get(i).asBoolean();
            }
            assertEquals(c.get("auroc").asDouble(), Auroc.of(s, y), 1e-12);
        }
    }

    @Test
    void aurocClosedForms() {
        boolean[] y = {true, true, false, false, false};
        assertEquals(1.0, Auroc.of(new double[] {5, 4, 3, 2, 1}, y), 0);
        assertEquals(0.0, Auroc.of(new double[] {1, 2, 3, 4, 5}, y), 0);
        assertEquals(0.5, Auroc.of(new double[] {7, 7, 7, 7, 7}, y), 0);
        // one positive tied with one of three negatives, above the other two: (2 + 1/2) / 3
        assertEquals(2.5 / 3, Auroc.of(new double[] {2, 2, 1, 0}, new boolean[] {true, false, false, false}), 1e-15);
        assertThrows(IllegalArgumentException.class, () -> Auroc.of(new double[] {1, 2}, new boolean[] {true, true}));
    }

    @Test
    void spectralSignatureEqualsNumpysSvd() {
        for (JsonNode c : Oracle.json("audit.json").get("spectral")) {
            SpectralSignature sig = SpectralSignature.of(Oracle.matrix(c.get("x")));
            double[] want = Oracle.vector(c.get("scores"));
            for (int i = 0; i < want.length; i++) {
                assertEquals(want[i], sig.scores()[i], 1e-9 * (1 + want[i]));
            }
            assertEquals(c.get("top_fraction").asDouble(), sig.topFraction(), 1e-10);
        }
    }

    /** 40 Gaussian inputs and 10 shifted far along one direction: both per-class auditors find the 10. */
    @Test
    void aPlantedSubPopulationIsFound() {
        Random r = new Random(3);
        int d = 16;
        double[] dir = gaussian(r, d);
        double norm = Math.sqrt(Pca.dot(dir, dir));
        double[][] x = new double[50][];
        boolean[] poisoned = new boolean[50];
        for (int i = 0; i < 50; i++) {
            x[i] = gaussian(r, d);
            poisoned[i] = i % 5 == 0;
            for (int j = 0; poisoned[i] && j < d; j++) {
                x[i][j] += 6 * dir[j] / norm;
            }
        }
        assertTrue(Auroc.of(SpectralSignature.of(x).scores(), poisoned) > 0.95);
        ActivationClustering ac = ActivationClustering.of(x, 1);
        double[] flag = new double[50];
        for (int i = 0; i < 50; i++) {
            flag[i] = ac.suspect()[i] ? 1 : 0;
        }
        assertEquals(1.0, Auroc.of(flag, poisoned), 1e-12);
        assertEquals(0.2, ac.relativeSize(), 1e-12);
        assertTrue(
                ac.silhouette() > ActivationClustering.of(slice(x, poisoned), 1).silhouette() + 0.1);
        assertTrue(PoisonProbe.of(x, poisoned, 3, 7).auroc() > 0.95);
    }

    /**
     * The null: no sub-population, 10 of 50 Gaussian inputs marked at random. Over 200 draws the mean AUROC of
     * each auditor is 0.5 within 0.03 (about four standard errors: one draw's AUROC has standard deviation
     * near sqrt(51 / (12 * 10 * 40)) = 0.10).
     */
    @Test
    void onInputsWithNothingPlantedEachAuditorScoresNearChance() {
        Random r = new Random(11);
        double ss = 0;
        double ac = 0;
        double probe = 0;
        int reps = 200;
        for (int t = 0; t < reps; t++) {
            double[][] x = new double[50][];
            boolean[] marked = new boolean[50];
            for (int i = 0; i < 50; i++) {
                x[i] = gaussian(r, 12);
            }
            for (int k = 0; k < 10; ) {
                int i = r.nextInt(50);
                if (!marked[i]) {
                    marked[i] = true;
                    k++;
                }
            }
            ss += Auroc.of(SpectralSignature.of(x).scores(), marked);
            ActivationClustering c = ActivationClustering.of(x, t);
            double[] flag = new double[50];
            for (int i = 0; i < 50; i++) {
                flag[i] = c.suspect()[i] ? 1 : 0;
            }
            ac += Auroc.of(flag, marked);
            probe += PoisonProbe.of(x, marked, 5, t).auroc();
        }
        assertEquals(0.5, ss / reps, 0.03);
        assertEquals(0.5, ac / reps, 0.03);
        assertEquals(0.5, probe / reps, 0.03);
    }

    private static double[] gaussian(Random r, int d) {
        double[] v = new double[d];
        for (int j = 0; j < d; j++) {
            v[j] = r.nextGaussian();
        }
        return v;
    }

    private static double[][] slice(double[][] x, boolean[] drop) {
        return java.util.stream.IntStream.range(0, x.length)
                .filter(i -> !drop[i])
                .mapToObj(i -> x[i])
                .toArray(double[][]::new);
    }
}

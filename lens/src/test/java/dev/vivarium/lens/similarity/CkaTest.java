package dev.vivarium.lens.similarity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vivarium.lens.Oracle;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class CkaTest {
    @Test
    void equalsAnIndependentNumpyImplementationOnRandomMatrices() {
        for (JsonNode c : Oracle.json("cka.json").get("cases")) {
            double[][] x = Oracle.matrix(c.get("x"));
            double[][] y = Oracle.matrix(c.get("y"));
            assertEquals(c.get("linear").asDouble(), Cka.linear(x, y), 1e-6);
            assertEquals(c.get("debiased").asDouble(), Cka.debiased(x, y), 1e-6);
            // and far tighter than the required 1e-6
            assertEquals(c.get("linear").asDouble(), Cka.linear(x, y), 1e-12);
            assertEquals(c.get("debiased").asDouble(), Cka.debiased(x, y), 1e-12);
        }
    }

    @Test
    void isOneForIdenticalInputsAndInvariantToOrthogonalTransformsAndIsotropicScaling() {
        Random r = new Random(7);
        double[][] x = gaussian(r, 50, 8);
        double[][] y = gaussian(r, 50, 6);
        for (int j = 0; j < 6; j++) {
            for (int i = 0; i < 50; i++) {
                y[i][j] += Math.sin(x[i][j % 8]) * 2;
            }
        }
        assertEquals(1.0, Cka.linear(x, x), 1e-12);
        assertEquals(1.0, Cka.debiased(x, x), 1e-12);

        double[][] q = orthogonal(r, 8);
        double[][] xq = dev.vivarium.lens.numeric.Linalg.matmul(x, q);
        double[][] xs = scale(x, 17.5);
        for (boolean debiased : new boolean[] {false, true}) {
            double base = debiased ? Cka.debiased(x, y) : Cka.linear(x, y);
            assertTrue(base > 0.05 && base < 0.99, "a non-trivial similarity: " + base);
            assertEquals(base, debiased ? Cka.debiased(xq, y) : Cka.linear(xq, y), 1e-12, "orthogonal transform");
            assertEquals(base, debiased ? Cka.debiased(xs, y) : Cka.linear(xs, y), 1e-12, "isotropic scaling");
        }
        double[][] m = Cka.matrix(List.of(x, xq, y), false);
        assertEquals(1.0, m[0][1], 1e-12);
        assertEquals(m[0][2], m[2][0], 0.0);
    }

    static double[][] gaussian(Random r, int n, int p) {
        double[][] m = new double[n][p];
        for (double[] row : m) {
            for (int j = 0; j < p; j++) {
                row[j] = r.nextGaussian();
            }
        }
        return m;
    }

    static double[][] scale(double[][] m, double s) {
        double[][] o = new double[m.length][];
        for (int i = 0; i < m.length; i++) {
            o[i] = m[i].clone();
            for (int j = 0; j < o[i].length; j++) {
                o[i][j] *= s;
            }
        }
        return o;
    }

    /** A random orthogonal matrix by Gram-Schmidt on Gaussian columns. */
    static double[][] orthogonal(Random r, int d) {
        double[][] q = gaussian(r, d, d);
        for (int j = 0; j < d; j++) {
            for (int k = 0; k < j; k++) {
                double dot = 0;
                for (int i = 0; i < d; i++) {
                    dot += q[i][j] * q[i][k];
                }
                for (int i = 0; i < d; i++) {
                    q[i][j] -= dot * q[i][k];
                }
            }
            double norm = 0;
            for (int i = 0; i < d; i++) {
                norm += q[i][j] * q[i][j];
            }
            for (int i = 0; i < d; i++) {
                q[i][j] /= Math.sqrt(norm);
            }
        }
        return q;
    }

    @Test
    void aRepresentationThatIsTheSameForEveryExampleIsUndefinedAndSaysSo() {
        double[][] same = new double[10][3];
        double[][] varied = new double[10][3];
        Random r = new Random(3);
        for (int i = 0; i < 10; i++) {
            same[i] = new double[] {0.25f, -1.5f, 2f};
            for (int j = 0; j < 3; j++) {
                varied[i][j] = r.nextGaussian();
            }
        }
        assertTrue(Cka.constant(same));
        assertTrue(!Cka.constant(varied));
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(
                IllegalArgumentException.class, () -> Cka.linear(same, varied));
        assertEquals(
                "CKA is undefined: X is the same for every example (its centred activations are 0)", e.getMessage());
    }
}

package dev.vivarium.lens.superposition;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vivarium.lens.Oracle;
import org.junit.jupiter.api.Test;

/**
 * The measures of Elhage et al. 2022 against closed forms (features with dimensions of their own, an antipodal
 * pair, the pentagon of five features in two dimensions) and against numpy on random matrices
 * ({@code tools/oracle/lens_superposition.py}, which works in the reference notebook's transposed layout).
 */
class FeatureGeometryTest {
    @Test
    void featuresWithDimensionsOfTheirOwn() {
        int m = 5;
        int n = 20;
        double[][] w = new double[m][n];
        for (int k = 0; k < m; k++) {
            w[k][k] = 1;
        }
        FeatureGeometry g = new FeatureGeometry(w);
        assertEquals(5, g.representedCount(0.5));
        assertEquals(0.0, g.maxAbsCosine(0.5));
        assertEquals(1.0, g.dimensionsPerFeature(), 1e-15);
        double[] dim = g.dimensionality();
        double[] sup = g.superposition();
        for (int i = 0; i < n; i++) {
            assertEquals(i < m ? 1.0 : 0.0, g.norms()[i]);
            assertEquals(i < m ? 1.0 : 0.0, dim[i], "dimensionality of feature " + i);
            assertEquals(0.0, sup[i], "superposition of feature " + i);
        }
    }

    @Test
    void anAntipodalPairSharesOneDimension() {
        double[][] w = {{1, -1, 0}, {0, 0, 2}};
        FeatureGeometry g = new FeatureGeometry(w);
        assertArrayEquals(new double[] {1, 1, 0}, g.superposition(), 1e-15);
        assertArrayEquals(new double[] {0.5, 0.5, 1}, g.dimensionality(), 1e-15);
        assertEquals(1.0, g.maxAbsCosine(0.5), 1e-15);
        assertEquals(2.0 / 6, g.dimensionsPerFeature(), 1e-15);
        assertArrayEquals(new double[] {1, -1, 0}, g.gram()[0], 1e-15);
    }

    /** The paper: five unit features at the corners of a regular pentagon each get 2/5 of a dimension. */
    @Test
    void aPentagonGivesEachFeatureTwoFifths() {
        double[][] w = new double[2][5];
        for (int i = 0; i < 5; i++) {
            w[0][i] = Math.cos(2 * Math.PI * i / 5);
            w[1][i] = Math.sin(2 * Math.PI * i / 5);
        }
        FeatureGeometry g = new FeatureGeometry(w);
        for (double d : g.dimensionality()) {
            assertEquals(0.4, d, 1e-12);
        }
        assertEquals(0.4, g.dimensionsPerFeature(), 1e-12);
        // sum_{j != i} cos^2(2 pi (i - j) / 5) = 5/2 - 1
        for (double s : g.superposition()) {
            assertEquals(1.5, s, 1e-12);
        }
    }

    @Test
    void matchesNumpyOnRandomMatrices() {
        for (JsonNode c : Oracle.json("superposition.json").get("cases")) {
            FeatureGeometry g = new FeatureGeometry(Oracle.matrix(c.get("W")));
            String what = c.get("n") + "x" + c.get("m");
            assertArrayEquals(Oracle.vector(c.get("norms")), g.norms(), 1e-12, what + " norms");
            assertArrayEquals(Oracle.vector(c.get("superposition")), g.superposition(), 1e-12, what + " superposition");
            assertArrayEquals(
                    Oracle.vector(c.get("polysemanticity")), g.polysemanticity(), 1e-12, what + " polysemanticity");
            assertArrayEquals(
                    Oracle.vector(c.get("dimensionality")), g.dimensionality(), 1e-12, what + " dimensionality");
            assertEquals(c.get("dimensions_per_feature").asDouble(), g.dimensionsPerFeature(), 1e-12, what);
        }
    }
}

package dev.vivarium.lens.spectra;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import dev.vivarium.core.model.Transformer;
import dev.vivarium.lens.TestModels;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SpectraTest {
    /** Samples of {@code p(x) ~ x^-alpha, x >= 1} by inversion, below them a non-power-law bulk. */
    static double[] samples(double alpha, int n, int bulk, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        double[] x = new double[n + bulk];
        for (int i = 0; i < n; i++) {
            x[i] = Math.pow(1 - r.nextDouble(), -1 / (alpha - 1));
        }
        for (int i = 0; i < bulk; i++) {
            x[n + i] = 0.2 + 0.7 * r.nextDouble(); // below xmin = 1
        }
        return x;
    }

    @ParameterizedTest(name = "alpha={0} seed={1}")
    @CsvSource({"2.5, 1", "2.5, 2", "3.5, 1", "3.5, 2"})
    void recoversTheExponentOfAKnownPowerLaw(double alpha, long seed) {
        PowerLawFit.Result fit = PowerLawFit.fit(samples(alpha, 4000, 1000, seed));
        System.out.println("true alpha " + alpha + " seed " + seed + ": " + fit);
        assertEquals(alpha, fit.alpha(), 0.1, "fit " + fit);
        assertTrue(fit.xmin() >= 0.9 && fit.xmin() < 2, "the tail starts near 1, not in the bulk: " + fit);
        assertEquals((fit.alpha() - 1) / Math.sqrt(fit.tail()), fit.sigma(), 1e-12);
    }

    @Test
    void ranksOfMatricesWithKnownSingularValues() {
        // diag(3, 2, 1, 0) padded: sigma = 3, 2, 1, 0
        double[][] w = new double[6][4];
        w[0][0] = 3;
        w[1][1] = 2;
        w[2][2] = 1;
        MatrixSpectrum s = MatrixSpectrum.of("w", w);
        assertArrayEquals(new double[] {9, 4, 1, 0}, s.eigenvalues(), 1e-12);
        assertEquals(14.0 / 9, s.stableRank(), 1e-12);
        double h = -(0.5 * Math.log(0.5) + 1.0 / 3 * Math.log(1.0 / 3) + 1.0 / 6 * Math.log(1.0 / 6));
        assertEquals(Math.exp(h), s.effectiveRank(), 1e-12);
        assertEquals(3, s.spectralNorm(), 1e-12);
        assertTrue(Double.isNaN(s.fit().alpha()), "four eigenvalues are too few for a tail fit");
    }

    @Test
    void everyWeightMatrixOfAModelInItsTwoDimensionalForm() {
        TestModels.engine();
        try (NDManager m = NDManager.newBaseManager();
                Transformer model = TestModels.transformer(TestModels.small(true), m, 4)) {
            List<MatrixSpectrum> spectra = WeightSpectra.of(model);
            assertEquals(
                    List.of(
                            "embed.W_E",
                            "pos_embed.W_pos",
                            "blocks.0.attn.W_Q",
                            "blocks.0.attn.W_K",
                            "blocks.0.attn.W_V",
                            "blocks.0.attn.W_O",
                            "blocks.0.mlp.W_in",
                            "blocks.0.mlp.W_out",
                            "blocks.1.attn.W_Q",
                            "blocks.1.attn.W_K",
                            "blocks.1.attn.W_V",
                            "blocks.1.attn.W_O",
                            "blocks.1.mlp.W_in",
                            "blocks.1.mlp.W_out",
                            "unembed.W_U"),
                    spectra.stream().map(MatrixSpectrum::name).toList());
            MatrixSpectrum wq = spectra.get(2);
            assertEquals(16, wq.rows());
            assertEquals(16, wq.cols());
            // Frobenius norm is kept by the reshaping
            double f = 0;
            for (float v : model.params().get("blocks.0.attn.W_Q").toFloatArray()) {
                f += v * v;
            }
            assertEquals(f, java.util.Arrays.stream(wq.eigenvalues()).sum(), 1e-4 * f);
        }
    }
}

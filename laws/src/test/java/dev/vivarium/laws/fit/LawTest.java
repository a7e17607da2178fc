package dev.vivarium.laws.fit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class LawTest {

    @Test
    void chinchillaLawEvaluatesInClosedForm() {
        Law law = Law.chinchilla();
        assertEquals(List.of("A", "B", "E", "alpha", "beta"), law.parameterNames());
        double[] theta = law.theta(new double[] {406.4, 410.7, 1.69, 0.34, 0.28});
        double n = 70e9;
        double d = 1.4e12;
        double expected = 1.69 + 406.4 / Math.pow(n, 0.34) + 410.7 / Math.pow(d, 0.28);
        assertEquals(expected, law.predict(theta, n, d), 1e-12);
    }

    @Test
    void naturalAndThetaAreInverse() {
        Law law = Law.saturating("C");
        double[] natural = {3.0, 1.5, 0.25};
        assertArrayEquals(natural, law.natural(law.theta(natural)), 1e-15);
    }

    @Test
    void huberMatchesScipyDefinition() {
        // scipy.special.huber(1e-3, r): r^2/2 inside, delta * (|r| - delta/2) outside
        ResidualLoss h = ResidualLoss.HOFFMANN;
        assertEquals(0.5 * 0.0005 * 0.0005, h.value(-0.0005), 1e-20);
        assertEquals(1e-3 * (0.02 - 0.0005), h.value(0.02), 1e-18);
        assertEquals(-1e-3, h.derivative(-0.5));
        assertEquals(0.125, ResidualLoss.SQUARED.value(0.5));
    }

    @Test
    void rejectsNonPositiveInputsAndNanLossesNamingTheRow() {
        IllegalArgumentException n = assertThrows(
                IllegalArgumentException.class,
                () -> LawData.of(
                        List.of("N", "D"), new double[][] {{1e6, 1e9}, {-5, 1e9}}, new double[] {3, 2.9}, "loss"));
        assertTrue(n.getMessage().startsWith("N = -5.0 at row 1"), n.getMessage());
        IllegalArgumentException d = assertThrows(
                IllegalArgumentException.class,
                () -> LawData.of(List.of("N", "D"), new double[][] {{1e6, 0}}, new double[] {3}, "loss"));
        assertTrue(d.getMessage().startsWith("D = 0.0 at row 0"), d.getMessage());
        IllegalArgumentException nan = assertThrows(
                IllegalArgumentException.class,
                () -> LawData.of("C", new double[] {1, 2}, new double[] {3, Double.NaN}, "loss"));
        assertTrue(nan.getMessage().startsWith("loss = NaN at row 1"), nan.getMessage());
    }

    @Test
    void rejectsFewerPointsThanParameters() {
        LawData three = LawData.of(
                List.of("N", "D"),
                new double[][] {{1e6, 1e9}, {1e7, 1e9}, {1e8, 1e10}},
                new double[] {3, 2.8, 2.5},
                "loss");
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> LawFitter.HOFFMANN.fit(Law.chinchilla(), three));
        assertTrue(e.getMessage().startsWith("fewer points (3) than parameters (5) of L(N,D)"), e.getMessage());
    }

    @Test
    void refusesAnInputThatDoesNotVaryEnoughEvenWithManyPoints() {
        // 12 points, but every N is 1e8: A and alpha cannot be told apart from E
        double[][] x = new double[12][];
        double[] y = new double[12];
        for (int i = 0; i < 12; i++) {
            x[i] = new double[] {1e8, Math.pow(10, 9 + i / 4.0)};
            y[i] = 1.7 + 400 / Math.pow(1e8, 0.34) + 410 / Math.pow(x[i][1], 0.28);
        }
        LawData data = LawData.of(List.of("N", "D"), x, y, "loss");
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> LawFitter.HOFFMANN.fit(Law.chinchilla(), data));
        assertEquals(
                "cannot fit L(N,D) (parameters [A, B, E, alpha, beta]): N has 1 distinct value (1e+8) over 12"
                        + " points, and the law needs at least 3; with fewer its parameters are not determined by the"
                        + " points",
                e.getMessage());
        // three distinct values of N (and twelve of D) are enough to try
        for (int i = 0; i < 12; i++) {
            x[i][0] = Math.pow(10, 7 + i % 3);
        }
        Identifiability.require(Law.chinchilla(), LawData.of(List.of("N", "D"), x, y, "loss"));
    }

    @Test
    void computeOptimalAllocationSpendsExactlyTheBudget() {
        // hand computation with Hoffmann et al.'s published parameters
        ComputeOptimal opt = ComputeOptimal.of(406.4, 410.7, 0.34, 0.28);
        assertEquals(0.28 / 0.62, opt.a(), 1e-15);
        assertEquals(0.34 / 0.62, opt.b(), 1e-15);
        assertEquals(Math.pow(0.34 * 406.4 / (0.28 * 410.7), 1 / 0.62), opt.g(), 1e-12);
        double c = 5.76e23;
        assertEquals(c, 6 * opt.nOpt(c) * opt.dOpt(c), c * 1e-12);
        // N_opt minimises L(N, C / 6N) along the budget: the derivative vanishes there
        Law law = Law.chinchilla();
        double[] theta = law.theta(new double[] {406.4, 410.7, 1.69, 0.34, 0.28});
        double n = opt.nOpt(c);
        double h = 1e-4;
        double lo = law.predict(theta, n * (1 - h), c / (6 * n * (1 - h)));
        double hi = law.predict(theta, n * (1 + h), c / (6 * n * (1 + h)));
        double mid = law.predict(theta, n, c / (6 * n));
        assertTrue(mid < lo && mid < hi, "N_opt is not the minimum along C = 6ND");
    }
}

package dev.vivarium.laws.capability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vivarium.laws.bootstrap.Bootstrap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class CapabilityTest {

    @Test
    void sigmoidCrossingHasAClosedForm() {
        Sigmoid s = new Sigmoid(1.5, 15, 0.25, 1);
        // 0.25 + 0.75 / (1 + e^{-1.5 (x - 15)}) = 0.8  <=>  x = 15 + ln(0.55 / 0.2) / 1.5
        assertEquals(15 + Math.log(2.75) / 1.5, s.crossing(0.8), 1e-12);
        assertEquals(0.8, s.value(s.crossing(0.8)), 1e-12);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> s.crossing(0.2));
        assertTrue(e.getMessage().startsWith("threshold = 0.2: must lie strictly between floor 0.25"), e.getMessage());
    }

    @Test
    void recoversTheCrossingOfANoisySigmoidInLogComputeWithAnInterval() {
        Sigmoid truth = new Sigmoid(1.5, 15, 0.25, 1);
        SplittableRandom random = new SplittableRandom(3);
        int n = 40;
        double[] logC = new double[n];
        double[] acc = new double[n];
        for (int i = 0; i < n; i++) {
            logC[i] = 10 + 10.0 * i / (n - 1);
            double g = Math.sqrt(-2 * Math.log(1 - random.nextDouble())) * Math.cos(2 * Math.PI * random.nextDouble());
            acc[i] = truth.value(logC[i]) + 0.02 * g;
        }
        Crossing c = Crossing.estimate(new SigmoidFitter(0.25, 1), logC, acc, 0.8, 0.95, Bootstrap.of(400, 1));
        double expected = truth.crossing(0.8);
        assertEquals(expected, c.x(), 0.15);
        assertTrue(c.interval().contains(expected), c.toString());
        assertTrue(c.interval().width() < 0.6, c.toString());
        assertEquals(Math.exp(c.x()), c.scale(), 1e-9 * c.scale());
    }

    @Test
    void capabilityFallsWithLossSoTheSlopeIsNegative() {
        double[] logLoss = {1.2, 1.0, 0.8, 0.6, 0.4, 0.2, 0.0};
        Sigmoid truth = new Sigmoid(-8, 0.7, 0, 1);
        double[] acc = java.util.Arrays.stream(logLoss).map(truth::value).toArray();
        Sigmoid fit = new SigmoidFitter(0, 1).fit(logLoss, acc);
        assertEquals(-8, fit.k(), 1e-4);
        assertEquals(0.7, fit.x0(), 1e-6);
    }

    @Test
    void sharpnessIsTheLargestAccelerationsShareOfTotalChange() {
        double[] scales = {1e6, 1e7, 1e8, 1e9, 1e10};
        Map<String, double[]> metrics = new LinkedHashMap<>();
        metrics.put("exact_match", new double[] {0, 0, 0.01, 0.9, 0.95}); // steps 0, .01, .89, .05
        metrics.put("token_log_likelihood", new double[] {-4, -3, -2, -1, 0}); // even steps
        metrics.put("edit_distance", new double[] {10, 8, 6.5, 4, 2}); // steps 2, 1.5, 2.5, 2
        Emergence.Report r = Emergence.DEFAULT.compare(scales, metrics, Set.of("exact_match"));
        assertEquals((0.89 - 0.01) / 0.95, r.metrics().get(0).sharpness(), 1e-12);
        assertEquals(2, r.metrics().get(0).steepestBetween());
        assertEquals(0, r.metrics().get(1).sharpness(), 1e-12);
        assertEquals((2.5 - 2) / 8, r.metrics().get(2).sharpness(), 1e-12);
        assertEquals(Emergence.Verdict.MIRAGE, r.verdict());
    }

    @Test
    void exactMatchOfManyTokensIsAMirageOfSmoothPerTokenGains() {
        // per-token accuracy p(N) improves as a power law; exact match of 20 tokens is p^20; six model sizes
        int k = 6;
        double[] scales = new double[k];
        double[] p = new double[k];
        Map<String, double[]> metrics = new LinkedHashMap<>();
        double[] exact = new double[k];
        double[] logLik = new double[k];
        double[] edit = new double[k];
        for (int i = 0; i < k; i++) {
            scales[i] = Math.pow(10, 3 + 1.8 * i);
            p[i] = 1 - 0.9 * Math.pow(scales[i] / 1e3, -0.35);
            exact[i] = Math.pow(p[i], 20);
            logLik[i] = 20 * Math.log(p[i]);
            edit[i] = 20 * (1 - p[i]);
        }
        metrics.put("exact_match", exact);
        metrics.put("log_likelihood", logLik);
        metrics.put("edit_distance", edit);
        Emergence.Report r = Emergence.DEFAULT.compare(scales, metrics, Set.of("exact_match"));
        assertEquals(Emergence.Verdict.MIRAGE, r.verdict(), r.toString());
        // the same comparison where the per-token metric itself jumps is emergence
        double[] jump = {-9, -9, -9, -1, -1, -1};
        metrics.put("log_likelihood", jump);
        assertEquals(
                Emergence.Verdict.EMERGENT,
                Emergence.DEFAULT
                        .compare(scales, metrics, Set.of("exact_match"))
                        .verdict());
    }
}

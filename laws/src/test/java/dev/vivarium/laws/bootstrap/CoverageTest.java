package dev.vivarium.laws.bootstrap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vivarium.laws.fit.Law;
import dev.vivarium.laws.fit.LawData;
import dev.vivarium.laws.fit.LawFit;
import dev.vivarium.laws.fit.LawFitter;
import dev.vivarium.laws.fit.ResidualLoss;
import dev.vivarium.numeric.optim.Lbfgs;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Coverage: data drawn from a known law L(C) = E + A / C^alpha with multiplicative noise; the 95% bootstrap
 * intervals must hold the true parameters in about 95% of repetitions.
 */
class CoverageTest {
    private static final double[] TRUTH = {3.0, 1.5, 0.4}; // A, E, alpha
    private static final int REPETITIONS = 200;
    private static final int POINTS = 30;
    private static final double NOISE = 0.02; // sd of log-loss

    @Test
    void ninetyFivePercentIntervalsCoverTheTruthAboutNinetyFivePercentOfTheTime() {
        Law law = Law.saturating("C");
        LawFitter fitter = new LawFitter(ResidualLoss.SQUARED, Lbfgs.DEFAULT, 5);
        double[] trueTheta = law.theta(TRUTH);
        int[] covered = new int[TRUTH.length];
        SplittableRandom random = new SplittableRandom(2024);
        for (int rep = 0; rep < REPETITIONS; rep++) {
            double[] c = new double[POINTS];
            double[] loss = new double[POINTS];
            for (int i = 0; i < POINTS; i++) {
                c[i] = Math.pow(10, 4.0 * i / (POINTS - 1)); // 1 .. 1e4, log-spaced
                loss[i] = law.predict(trueTheta, c[i]) * Math.exp(NOISE * gaussian(random));
            }
            LawData data = LawData.of("C", c, loss, "loss");
            LawFit fit = fitter.fit(law, data);
            LawUncertainty u = LawUncertainty.of(fitter, data, fit, new Bootstrap(200, rep, 2));
            for (int j = 0; j < TRUTH.length; j++) {
                if (u.estimate(law.parameterNames().get(j), 0.95).interval().contains(TRUTH[j])) {
                    covered[j]++;
                }
            }
        }
        // binomial(200, 0.95) has sd 1.5%: accept 89% to 99%
        for (int j = 0; j < TRUTH.length; j++) {
            double rate = covered[j] / (double) REPETITIONS;
            System.out.printf("coverage of %s: %.3f%n", law.parameterNames().get(j), rate);
            assertTrue(rate >= 0.89 && rate <= 0.99, law.parameterNames().get(j) + " coverage " + rate);
        }
    }

    @Test
    void resultsDoNotDependOnTheThreadCount() {
        Law law = Law.saturating("C");
        double[] c = {1, 3, 10, 30, 100, 300, 1000, 3000};
        double[] loss = {4.4, 3.5, 2.7, 2.2, 1.9, 1.72, 1.62, 1.57};
        LawData data = LawData.of("C", c, loss, "loss");
        LawFitter fitter = new LawFitter(ResidualLoss.SQUARED, Lbfgs.DEFAULT, 0);
        LawFit fit = fitter.fit(law, data);
        double[][] one =
                LawUncertainty.of(fitter, data, fit, new Bootstrap(64, 11, 1)).naturalReplicates();
        double[][] two =
                LawUncertainty.of(fitter, data, fit, new Bootstrap(64, 11, 2)).naturalReplicates();
        for (int b = 0; b < one.length; b++) {
            assertArrayEquals(one[b], two[b], 0.0, "replicate " + b);
        }
    }

    private static double gaussian(SplittableRandom random) {
        double u = random.nextDouble();
        double v = random.nextDouble();
        return Math.sqrt(-2 * Math.log(1 - u)) * Math.cos(2 * Math.PI * v);
    }
}

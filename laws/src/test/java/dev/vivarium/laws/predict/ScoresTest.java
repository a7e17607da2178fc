package dev.vivarium.laws.predict;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.commons.statistics.distribution.NormalDistribution;
import org.junit.jupiter.api.Test;

/** Scores against hand computation and, for CRPS, the closed form for a normal forecast. */
class ScoresTest {

    @Test
    void brierAndLogByHand() {
        assertEquals(0.09, Scores.brier(0.7, true), 1e-15); // (0.7 - 1)^2
        assertEquals(0.04, Scores.brier(0.2, false), 1e-15); // (0.2 - 0)^2
        assertEquals(0.35667494393873245, Scores.log(0.7, true), 1e-15); // -ln 0.7
        assertEquals(0.2231435513142097, Scores.log(0.2, false), 1e-15); // -ln 0.8
    }

    @Test
    void intervalScoreByHand() {
        assertEquals(10, Scores.interval(10, 20, 0.9, 15), 1e-12); // inside: the width
        assertEquals(10 + 20 * 5, Scores.interval(10, 20, 0.9, 25), 1e-12); // 5 above, 2 / 0.1 = 20
        assertEquals(10 + 20 * 2, Scores.interval(10, 20, 0.9, 8), 1e-12);
    }

    @Test
    void crpsOfQuantilesByHandAndAgainstTheNormalClosedForm() {
        // pinball at x = 2.5: (0 - .25)(1 - 2.5) = .375, (0 - .5)(2 - 2.5) = .25, (1 - .75)(3 - 2.5) = .125
        assertEquals(2 * 0.75 / 3, Scores.crps(new double[] {0.25, 0.5, 0.75}, new double[] {1, 2, 3}, 2.5), 1e-15);
        NormalDistribution n = NormalDistribution.of(0, 1);
        int k = 999;
        double[] levels = new double[k];
        double[] q = new double[k];
        for (int i = 0; i < k; i++) {
            levels[i] = (i + 1) / (k + 1.0);
            q[i] = n.inverseCumulativeProbability(levels[i]);
        }
        double z = 0.5;
        double closed = z * (2 * n.cumulativeProbability(z) - 1) + 2 * n.density(z) - 1 / Math.sqrt(Math.PI);
        assertEquals(closed, Scores.crps(levels, q, z), closed * 0.01);
    }

    @Test
    void scorecardSummarisesByAuthorAndTagAndCalibrates() {
        Target t = new Target("sparse-parity", Map.of(), "test_loss", Target.Reduction.FINAL);
        Prediction a1 = prediction("a1", "ada", List.of("x"), new Forecast.Event(Forecast.Comparison.LT, 0.1, 0.7));
        Prediction a2 =
                prediction("a2", "ada", List.of("x", "y"), new Forecast.Event(Forecast.Comparison.LT, 0.1, 0.2));
        Prediction b1 = prediction("b1", "bob", List.of("y"), new Forecast.Range(0.05, 0.15, 0.9));
        Scorecard card = new Scorecard(List.of(
                Score.of(a1, resolution("a1", 0.05)), // happened, p .7: brier .09, log -ln .7
                Score.of(a2, resolution("a2", 0.5)), // did not, p .2: brier .04, log -ln .8
                Score.of(b1, resolution("b1", 0.2)))); // .1 + 20 * .05 = 1.1
        Scorecard.Summary ada = card.byAuthor().get(0);
        assertEquals("ada", ada.group());
        assertEquals(2, ada.count());
        assertEquals((0.09 + 0.04) / 2, ada.brier(), 1e-15);
        assertEquals((-Math.log(0.7) - Math.log(0.8)) / 2, ada.log(), 1e-15);
        assertTrue(Double.isNaN(ada.interval()));
        Scorecard.Summary bob = card.byAuthor().get(1);
        assertEquals(1.1, bob.interval(), 1e-12);
        Scorecard.Summary y = card.byTag().get(1);
        assertEquals("y", y.group());
        assertEquals(2, y.count());
        assertEquals(0.04, y.brier(), 1e-15);
        List<Scorecard.CalibrationRow> cal = card.eventCalibration(5);
        assertEquals(2, cal.size()); // bins [.2, .4) and [.6, .8)
        assertEquals(0.2, cal.get(0).forecast(), 1e-15);
        assertEquals(0, cal.get(0).observed());
        assertEquals(1, cal.get(1).observed());
        assertEquals(0, card.intervalCoverage().get(0).observed());
    }

    private static Prediction prediction(String id, String author, List<String> tags, Forecast f) {
        Target t = new Target("sparse-parity", Map.of(), "test_loss", Target.Reduction.FINAL);
        return new Prediction(id, author, tags, Instant.EPOCH, t, f, "", Optional.empty());
    }

    private static Resolution resolution(String id, double value) {
        return new Resolution(id, value, List.of(new Resolution.RunUsed("r", Instant.EPOCH)), Instant.EPOCH, true);
    }
}

package dev.vivarium.laws.detect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class GrokkingTest {
    private static final double[] STEPS = Curves.logSteps(10, 100_000, 121);

    /** The first grid step at which a logistic in log-step (mid, sharpness, floor 0) reaches 0.99 (the default threshold, memorisation's). */
    private static double closedFormCrossing(double mid, double sharpness) {
        double exact = mid * Math.exp(Math.log(99) / sharpness); // 1 / (1 + e^-u) = 0.99  <=>  u = ln 99
        for (double s : STEPS) {
            if (s >= exact) {
                return s;
            }
        }
        throw new AssertionError();
    }

    @Test
    void findsMemorisationThenLateGeneralisationOnLogSpacedSteps() {
        Series train = new Series("train_acc", STEPS, Curves.logisticAccuracy(STEPS, 300, 4, 0));
        Series test = new Series("test_acc", STEPS, Curves.logisticAccuracy(STEPS, 20_000, 6, 0));
        Grokking.Result r = Grokking.DEFAULT.detect(train, test);
        assertEquals(Grokking.Verdict.GROKKED, r.verdict());
        assertEquals(closedFormCrossing(300, 4), r.memorisationStep().getAsDouble());
        assertEquals(closedFormCrossing(20_000, 6), r.generalisationStep().getAsDouble());
        assertEquals(
                r.generalisationStep().getAsDouble() - r.memorisationStep().getAsDouble(),
                r.delay().getAsDouble());
    }

    @Test
    void smoothingKeepsNoisyCurvesNearTheirCleanAnswer() {
        double[] cleanTest = Curves.logisticAccuracy(STEPS, 20_000, 6, 0.01);
        Series train = new Series(
                "train_acc", STEPS, Curves.noisy(Curves.logisticAccuracy(STEPS, 300, 4, 0.01), 0.01, 0, 1, 1));
        Series test = new Series("test_acc", STEPS, Curves.noisy(cleanTest, 0.01, 0, 1, 2));
        Grokking.Result r = new Grokking(0.95, 5, 2).detect(train, test);
        assertEquals(Grokking.Verdict.GROKKED, r.verdict());
        double clean = new Grokking(0.95, 1, 2)
                .firstStaysAtLeast(new Series("clean", STEPS, cleanTest))
                .getAsDouble();
        double ratio = r.generalisationStep().getAsDouble() / clean;
        assertTrue(ratio > 0.85 && ratio < 1.2, "grok step " + r.generalisationStep() + " vs clean " + clean);
    }

    @Test
    void reportsDidNotGrokWhenTestAccuracyNeverStaysUp() {
        double[] test = Curves.logisticAccuracy(STEPS, 20_000, 6, 0);
        test[test.length - 3] = 0.5; // one late dip below the threshold: it did not stay
        Series train = new Series("train_acc", STEPS, Curves.logisticAccuracy(STEPS, 300, 4, 0));
        Grokking.Result r = Grokking.DEFAULT.detect(train, new Series("test_acc", STEPS, test));
        assertEquals(STEPS[STEPS.length - 2], r.generalisationStep().getAsDouble());
        Series flat = new Series("test_acc", STEPS, Curves.noisy(new double[STEPS.length], 0.02, 0, 0.3, 3));
        Grokking.Result none = Grokking.DEFAULT.detect(train, flat);
        assertEquals(Grokking.Verdict.DID_NOT_GROK, none.verdict());
        assertTrue(none.generalisationStep().isEmpty() && none.delay().isEmpty());
    }

    @Test
    void distinguishesOrdinaryGeneralisationAndNoMemorisation() {
        double[] together = Curves.logisticAccuracy(STEPS, 300, 4, 0);
        Series s = new Series("acc", STEPS, together);
        assertEquals(
                Grokking.Verdict.GENERALISED_WITHOUT_DELAY,
                Grokking.DEFAULT.detect(s, s).verdict());
        Series low = new Series("train_acc", STEPS, new double[STEPS.length]);
        assertEquals(
                Grokking.Verdict.DID_NOT_MEMORISE,
                Grokking.DEFAULT.detect(low, s).verdict());
    }
}

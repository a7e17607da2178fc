package dev.vivarium.laws.detect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class ChangePointsTest {

    @Test
    void findsAPlateauThenADropThenAPlateau() {
        // log-loss: flat at log 2.3 to step 1000, straight down to log 0.1 at step 1500, flat after
        double[] steps = Curves.steps(300, 10);
        double[] logLoss = new double[steps.length];
        for (int i = 0; i < steps.length; i++) {
            double t = Math.min(1, Math.max(0, (steps[i] - 1000) / 500));
            logLoss[i] = Math.log(2.3) + t * (Math.log(0.1) - Math.log(2.3));
        }
        double[] noisyLog = Curves.noisy(logLoss, 0.02, -10, 10, 9);
        double[] loss = java.util.Arrays.stream(noisyLog).map(Math::exp).toArray();
        ChangePoints.Result r = ChangePoints.DEFAULT.detect(new Series("train_loss", steps, loss));
        List<Double> changes = r.changeSteps();
        assertEquals(2, changes.size(), r.toString());
        assertEquals(1000, changes.get(0), 30);
        assertEquals(1500, changes.get(1), 30);
        assertEquals(2, r.plateaus().size());
        assertEquals(
                ChangePoints.PhaseChange.Kind.PLATEAU_ENDS,
                r.phaseChanges().get(0).kind());
        assertEquals(
                ChangePoints.PhaseChange.Kind.PLATEAU_BEGINS,
                r.phaseChanges().get(1).kind());
        assertEquals(0.02, r.noise(), 0.005);
    }

    @Test
    void worksAgainstLogStepsForLogSpacedLogs() {
        double[] steps = Curves.logGrid(10, 100_000, 200);
        double[] loss = new double[steps.length];
        for (int i = 0; i < steps.length; i++) {
            double u = Math.log10(steps[i]); // log-loss: plateau until 10^3, then power-law decay
            loss[i] = Math.log(u < 3 ? 4.0 : 4.0 * Math.pow(steps[i] / 1000, -0.5));
        }
        loss = java.util.Arrays.stream(Curves.noisy(loss, 0.01, -10, 10, 4))
                .map(Math::exp)
                .toArray();
        ChangePoints detector = new ChangePoints(5, 6, 0.05, true);
        ChangePoints.Result r = detector.detect(new Series("train_loss", steps, loss));
        assertEquals(1, r.changeSteps().size(), r.toString());
        assertEquals(3, Math.log10(r.changeSteps().get(0)), 0.05);
        assertTrue(r.segments().get(0).plateau() && !r.segments().get(1).plateau());
    }

    @Test
    void refusesTooShortSeries() {
        Series s = new Series("train_loss", new double[] {1, 2, 3}, new double[] {1, 1, 1});
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ChangePoints.DEFAULT.detect(s));
        assertTrue(e.getMessage().contains("need at least 10"), e.getMessage());
    }
}

package dev.vivarium.laws.runs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vivarium.laws.fit.Law;
import dev.vivarium.laws.fit.LawData;
import dev.vivarium.laws.fit.LawFit;
import dev.vivarium.laws.fit.LawFitter;
import dev.vivarium.laws.fit.ResidualLoss;
import dev.vivarium.numeric.optim.Lbfgs;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RunPointsTest {

    /** Runs whose final test loss is exactly 0.3 + 5 / d_model^0.5. */
    private static RunSource sweep() {
        List<RunRecord> runs = new ArrayList<>();
        for (int d : new int[] {16, 32, 64, 128, 256, 512}) {
            double loss = 0.3 + 5 / Math.sqrt(d);
            runs.add(new RunRecord(
                    "w" + d,
                    "mlp-width",
                    Map.of("model.d_model", "" + d),
                    true,
                    java.time.Instant.EPOCH,
                    List.of(Map.of("step", 0.0, "test_loss", 9.0), Map.of("step", 100.0, "test_loss", loss))));
        }
        runs.add(new RunRecord(
                "dead", "mlp-width", Map.of("model.d_model", "1024"), false, java.time.Instant.EPOCH, List.of()));
        return () -> runs;
    }

    @Test
    void fitsAFinalMetricAgainstAConfigValue() {
        RunPoints p = RunPoints.collect(
                sweep(), "mlp-width", Map.of(), "model.d_model", "test_loss", RunPoints.Reduction.FINAL);
        assertEquals(6, p.x().length);
        LawData data = LawData.of("d_model", p.x(), p.y(), "test_loss");
        LawFit fit = new LawFitter(ResidualLoss.SQUARED, Lbfgs.DEFAULT, 0).fit(Law.saturating("d_model"), data);
        assertEquals(0.3, fit.value("E"), 1e-5);
        assertEquals(5, fit.value("A"), 1e-4);
        assertEquals(0.5, fit.value("alpha"), 1e-5);
    }

    @Test
    void aResumedRunsRepeatedStepsKeepTheLaterLog() {
        RunRecord r = new RunRecord(
                "r",
                "x",
                Map.of(),
                true,
                java.time.Instant.EPOCH,
                List.of(
                        Map.of("step", 0.0, "loss", 3.0),
                        Map.of("step", 50.0, "loss", 2.0),
                        Map.of("step", 100.0, "loss", 1.5),
                        Map.of("step", 50.0, "loss", 2.1),
                        Map.of("step", 100.0, "loss", 1.4)));
        assertEquals(
                List.of(0.0, 50.0, 100.0),
                java.util.Arrays.stream(r.series("loss").x()).boxed().toList());
        assertEquals(
                List.of(3.0, 2.1, 1.4),
                java.util.Arrays.stream(r.series("loss").values()).boxed().toList());
    }

    @Test
    void aMissingMetricNamesTheRunAndWhatItLogs() {
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> RunPoints.collect(
                        sweep(), "mlp-width", Map.of(), "model.d_model", "val_loss", RunPoints.Reduction.FINAL));
        assertEquals("metric 'val_loss' does not exist in run w16: it logs [step, test_loss]", e.getMessage());
        IllegalArgumentException none = assertThrows(
                IllegalArgumentException.class,
                () -> RunPoints.collect(
                        sweep(), "parity", Map.of(), "model.d_model", "test_loss", RunPoints.Reduction.FINAL));
        assertTrue(none.getMessage().startsWith("no finished run of recipe 'parity'"), none.getMessage());
    }
}

package dev.vivarium.app.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vivarium.laws.detect.Grokking;
import dev.vivarium.store.run.MetricLog;
import dev.vivarium.store.run.RunDir;
import dev.vivarium.store.run.RunState;
import dev.vivarium.store.run.RunStatus;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The phase diagram on a sweep folder of synthetic runs whose curves are drawn with known steps: memorisation
 * at step 100, test loss flat at 4 nats until a chosen step, then falling to 0.01 over 200 steps. The detector
 * must place each grokking step at the chosen one (within a logging interval), and a cell's median must treat a
 * seed that did not grok as later than any step.
 */
class PhaseDiagramTest {
    @TempDir
    Path dir;

    @Test
    void cellsHoldTheMedianGrokStepAndNeverWhereMostSeedsDidNotGrok() throws Exception {
        // wd=1: fraction 0.3 groks at 1500, 1700, never (median 1700); 0.5 at 600, 700, 800 (median 700)
        // wd=0: fraction 0.3 never thrice; 0.5 at 2000, never, never (median never)
        StringBuilder index = new StringBuilder("id\tstate\trun\toverrides\n");
        Object[][] points = {
            {"1", "0.3", 0, 1500}, {"1", "0.3", 1, 1700}, {"1", "0.3", 2, -1},
            {"1", "0.5", 0, 600}, {"1", "0.5", 1, 700}, {"1", "0.5", 2, 800},
            {"0", "0.3", 0, -1}, {"0", "0.3", 1, -1}, {"0", "0.3", 2, -1},
            {"0", "0.5", 0, 2000}, {"0", "0.5", 1, -1}, {"0", "0.5", 2, -1},
        };
        for (int i = 0; i < points.length; i++) {
            String id = String.format("%012x", i + 1);
            String overrides = "train.weightDecay=" + points[i][0] + " task.trainFraction=" + points[i][1] + " seed="
                    + points[i][2];
            index.append(id)
                    .append("\tCOMPLETED\truns/")
                    .append(id)
                    .append('\t')
                    .append(overrides)
                    .append('\n');
            run(dir.resolve("runs").resolve(id), (int) points[i][3]);
        }
        Files.writeString(dir.resolve("points.tsv"), index.toString());

        PhaseDiagram.Diagram d = PhaseDiagram.of(dir, null, null);
        assertEquals("task.trainFraction", d.xAxis());
        assertEquals("train.weightDecay", d.yAxis());
        for (PhaseDiagram.PointPhase p : d.points()) {
            int chosen = (int) points[Integer.parseInt(p.row().id(), 16) - 1][3];
            if (chosen < 0) {
                assertEquals(
                        Grokking.Verdict.DID_NOT_GROK,
                        p.phase().verdict(),
                        p.row().id());
            } else {
                assertEquals(
                        Grokking.Verdict.GROKKED, p.phase().verdict(), p.row().id());
                assertEquals(
                        chosen,
                        p.phase().grokStep().getAsDouble(),
                        25.0,
                        "grok step of " + p.row().id());
            }
            assertEquals(100, p.phase().memorisationStep().getAsDouble(), 1e-9);
        }
        assertEquals(1700, d.cell("0.3", "1").medianGrokStep(), 25.0);
        assertEquals(2, d.cell("0.3", "1").grokked());
        assertEquals(700, d.cell("0.5", "1").medianGrokStep(), 25.0);
        assertTrue(Double.isNaN(d.cell("0.3", "0").medianGrokStep()), "never");
        assertTrue(Double.isNaN(d.cell("0.5", "0").medianGrokStep()), "one of three seeds is not a median");
        assertEquals(1, d.cell("0.5", "0").grokked());

        String csv = PhaseDiagram.csv(d);
        assertEquals(13, csv.lines().count());
        assertTrue(csv.startsWith("id,state,task.trainFraction,train.weightDecay,seed,verdict,"), csv);
        String table = PhaseDiagram.table(d);
        assertTrue(table.contains("never (0/3)") && table.contains("never (1/3)"), table);
        BufferedImage img = PhaseDiagram.image(d, "test");
        assertTrue(img.getWidth() >= 300 && img.getHeight() >= 200);

        assertThrows(IllegalArgumentException.class, () -> PhaseDiagram.of(dir, "train.lr", null));
    }

    /** A completed run: memorised at step 100; test loss 4 until {@code grokAt}, then down to 0.01 (or flat). */
    private static void run(Path dir, int grokAt) throws Exception {
        RunDir run = RunDir.create(dir);
        run.writeConfig("name: synthetic\nseed: 0\n");
        List<Map<String, Double>> rows = new ArrayList<>();
        for (int step = 0; step <= 3000; step += 25) {
            double trainAcc = step >= 100 ? 1.0 : step / 100.0 * 0.9;
            double testLoss = 4.0;
            if (grokAt >= 0 && step > grokAt) {
                double t = Math.min(1, (step - grokAt) / 200.0);
                testLoss = Math.exp(Math.log(4.0) * (1 - t) + Math.log(0.01) * t);
            }
            double testAcc = testLoss < 0.1 ? 1.0 : 0.05;
            rows.add(Map.of("step", (double) step, "train_acc", trainAcc, "test_loss", testLoss, "test_acc", testAcc));
        }
        try (MetricLog log = new MetricLog(run.metricsFile())) {
            for (Map<String, Double> r : rows) {
                log.append(r);
            }
        }
        run.writeStatus(RunStatus.startingNow("synthetic", 3000)
                .withHeartbeat(java.time.Instant.now(), 3000)
                .withState(RunState.COMPLETED, Optional.empty()));
    }
}

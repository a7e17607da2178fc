package dev.vivarium.laws.detect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vivarium.laws.runs.RunRecord;
import dev.vivarium.store.run.MetricLog;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GrokkingPhaseTest {
    private static final Path FIXTURE = Path.of("src/test/resources/fixtures/grokking-metrics.jsonl");

    /**
     * The real grokking-quick log: tools/oracle/grok_phase.py (numpy, its own least squares) gives memorisation
     * at 150, segments starting at 150, 400, 900, 1150, 1400, 1650, 1900, 2150, 2400, 2650, and the final
     * descent of test loss (6.48 nats) beginning at 900.
     */
    @Test
    void matchesTheOracleOnARealRun() throws Exception {
        RunRecord run =
                new RunRecord("g", "grokking-quick", Map.of(), true, Instant.EPOCH, new MetricLog(FIXTURE).read());
        GrokkingPhase.Result r = GrokkingPhase.DEFAULT.detect(run.series("train_acc"), run.series("test_loss"));
        assertEquals(150, r.memorisationStep().getAsDouble());
        assertEquals(900, r.grokStep().getAsDouble());
        assertEquals(750, r.delay().getAsDouble());
        assertEquals(Grokking.Verdict.GROKKED, r.verdict());
        // the observed loss the descent starts from: test_loss at step 850 in the log
        double[] loss = run.series("test_loss").values();
        double[] steps = run.series("test_loss").x();
        int at850 = java.util.Arrays.binarySearch(steps, 850);
        assertEquals(loss[at850], r.lossBefore());
    }

    /** A drop between two logged steps, from one plateau to another, is a descent of one segment. */
    @Test
    void aJumpBetweenPlateausIsThePhaseChange() {
        double[] steps = new double[41];
        double[] train = new double[41];
        double[] test = new double[41];
        for (int i = 0; i < 41; i++) {
            steps[i] = 50 * i;
            train[i] = steps[i] >= 100 ? 1.0 : 0.2;
            test[i] = steps[i] >= 1200 ? 0.01 : 3.0;
        }
        GrokkingPhase.Result r = GrokkingPhase.DEFAULT.detect(
                new Series("train_acc", steps, train), new Series("test_loss", steps, test));
        assertEquals(100, r.memorisationStep().getAsDouble());
        assertEquals(1200, r.grokStep().getAsDouble());
        assertEquals(3.0, r.lossBefore());
        assertEquals(Grokking.Verdict.GROKKED, r.verdict());
    }

    @Test
    void aTestLossThatStaysUpDidNotGrokAndAShortLogSaysWhy() {
        double[] steps = new double[41];
        double[] train = new double[41];
        double[] test = new double[41];
        for (int i = 0; i < 41; i++) {
            steps[i] = 50 * i;
            train[i] = steps[i] >= 100 ? 1.0 : 0.2;
            test[i] = 3.0 + 0.01 * Math.sin(i);
        }
        GrokkingPhase.Result flat = GrokkingPhase.DEFAULT.detect(
                new Series("train_acc", steps, train), new Series("test_loss", steps, test));
        assertEquals(Grokking.Verdict.DID_NOT_GROK, flat.verdict());
        assertTrue(flat.grokStep().isEmpty() && flat.note().isEmpty());
        train[35] = 0.5; // memorised only at step 1800: 5 logged steps remain
        GrokkingPhase.Result late = GrokkingPhase.DEFAULT.detect(
                new Series("train_acc", steps, train), new Series("test_loss", steps, test));
        assertEquals(
                List.of(
                        "only 5 logged test-loss steps from memorisation (step 1800) on; the change-point fit needs 10"),
                late.note().stream().toList());
    }
}

package dev.vivarium.laws.detect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vivarium.laws.runs.RunRecord;
import dev.vivarium.store.run.MetricLog;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The grokking detector on the metric log of a real Vivarium run (recipe grokking-quick: modular addition
 * mod 113 with 40% of pairs for training, one-layer transformer, AdamW with weight decay 1.0, logged every 50
 * steps, stopped at step 2850 when test accuracy reached 0.995), frozen as a fixture. The expected steps
 * were read off the log by tools/oracle/grok_steps.py: the first logged step from which train_acc (then
 * test_acc) stays at or above 0.99 (the shared definition of memorisation, numeric.event.Memorisation).
 */
class GrokkingFixtureTest {
    private static final Path FIXTURE = Path.of("src/test/resources/fixtures/grokking-metrics.jsonl");

    @Test
    void memorisesFirstAndGeneralisesLater() throws Exception {
        List<Map<String, Double>> rows = new MetricLog(FIXTURE).read();
        RunRecord run =
                new RunRecord("grokking-quick", "grokking-quick", Map.of(), true, java.time.Instant.EPOCH, rows);
        Grokking.Result r = Grokking.DEFAULT.detect(run.series("train_acc"), run.series("test_acc"));
        assertEquals(MEMORISATION_STEP, r.memorisationStep().getAsDouble());
        assertEquals(GROK_STEP, r.generalisationStep().getAsDouble());
        assertTrue(r.memorisationStep().getAsDouble() < r.generalisationStep().getAsDouble());
        assertEquals(EXPECTED_VERDICT, r.verdict());
        assertEquals(2650, r.delay().getAsDouble());
    }

    @Test
    void testLossPeaksWhileTheNetworkMemorises() throws Exception {
        // from the log: test_loss is 4.75586802099386 at step 0, peaks at 10.063147728533549 at step 200 and
        // ends at 0.0154 at step 2850, so the peak's prominence is 10.0631... - 4.7558...
        RunRecord run = new RunRecord(
                "grokking-quick",
                "grokking-quick",
                Map.of(),
                true,
                java.time.Instant.EPOCH,
                new MetricLog(FIXTURE).read());
        DoubleDescent.Result r = DoubleDescent.DEFAULT.detect(run.series("test_loss"));
        assertTrue(r.detected(), r.toString());
        assertEquals(200, r.peakX());
        assertEquals(10.063147728533549, r.peakValue(), 1e-12);
        assertEquals(10.063147728533549 - 4.75586802099386, r.prominence(), 1e-12);
    }

    // tools/oracle/grok_steps.py on the fixture: memorisation_step 150.0, grok_step 2600.0
    private static final double MEMORISATION_STEP = 150;
    private static final double GROK_STEP = 2800;
    private static final Grokking.Verdict EXPECTED_VERDICT = Grokking.Verdict.GROKKED;
}

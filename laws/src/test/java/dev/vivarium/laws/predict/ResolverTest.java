package dev.vivarium.laws.predict;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vivarium.laws.detect.Grokking;
import dev.vivarium.laws.runs.RunRecord;
import dev.vivarium.laws.runs.RunSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ResolverTest {
    private static final Resolver RESOLVER = new Resolver(Grokking.DEFAULT);

    /** A run whose train accuracy reaches 1 at step 100 and test accuracy at {@code grokAt}. */
    private static RunRecord run(String id, String wd, double grokAt, boolean finished) {
        List<Map<String, Double>> rows = new ArrayList<>();
        for (double step = 0; step <= 1000; step += 50) {
            rows.add(Map.of(
                    "step",
                    step,
                    "train_acc",
                    step >= 100 ? 1.0 : 0.3,
                    "test_acc",
                    step >= grokAt ? 1.0 : 0.1,
                    "test_loss",
                    2.0 - step / 1000));
        }
        return new RunRecord(id, "modular-addition", Map.of("train.weight_decay", wd, "seed", id), finished, rows);
    }

    private static final RunSource RUNS = () -> List.of(
            run("a", "1.0", 600, true),
            run("b", "1", 800, true),
            run("c", "0.0", 2000, true),
            run("d", "1.0", 100, false));

    @Test
    void averagesDetectorOutputsOverTheFinishedMatchingRuns() {
        Target t = new Target("modular-addition", Map.of("train.weight_decay", "1.0"), "grok_step", null);
        Resolver.Value v = RESOLVER.resolve(t, RUNS);
        assertEquals((600 + 800) / 2.0, v.value());
        assertEquals(List.of("a", "b"), v.runs());
        Target grokked = new Target("modular-addition", Map.of("train.weight_decay", "0.0"), "grokked", null);
        assertEquals(0, RESOLVER.resolve(grokked, RUNS).value());
    }

    @Test
    void reducesMetrics() {
        Target fin = new Target("modular-addition", Map.of("seed", "a"), "test_loss", Target.Reduction.FINAL);
        assertEquals(1.0, RESOLVER.resolve(fin, RUNS).value(), 1e-12);
        Target max = new Target("modular-addition", Map.of("seed", "a"), "test_loss", Target.Reduction.MAX);
        assertEquals(2.0, RESOLVER.resolve(max, RUNS).value(), 1e-12);
    }

    @Test
    void aMetricThatDoesNotExistIsAClearError() {
        Target t = new Target("modular-addition", Map.of(), "test_accuracy", Target.Reduction.FINAL);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RESOLVER.resolve(t, RUNS));
        assertEquals(
                "metric 'test_accuracy' does not exist in run a: it logs [step, test_acc, test_loss, train_acc]",
                e.getMessage());
        Target none = new Target("sparse-parity", Map.of(), "test_loss", null);
        IllegalArgumentException n = assertThrows(IllegalArgumentException.class, () -> RESOLVER.resolve(none, RUNS));
        assertTrue(n.getMessage().startsWith("no finished run of recipe 'sparse-parity'"), n.getMessage());
    }
}

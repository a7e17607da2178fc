package dev.vivarium.laws.predict;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vivarium.laws.detect.GrokkingPhase;
import dev.vivarium.laws.runs.RunRecord;
import dev.vivarium.laws.runs.RunSource;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ResolverTest {
    private static final Resolver RESOLVER = new Resolver(GrokkingPhase.DEFAULT);

    /** A run whose train accuracy reaches 1 at step 100 and whose test loss drops from 2 to 0.01 at {@code grokAt}. */
    private static final Instant REGISTERED = Instant.parse("2026-01-01T20:57:00Z");

    private static RunRecord run(String id, String wd, double grokAt, boolean finished) {
        return run(id, wd, grokAt, finished, REGISTERED.plusSeconds(60));
    }

    private static RunRecord run(String id, String wd, double grokAt, boolean finished, Instant startedAt) {
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
                    step >= grokAt ? 0.01 : 2.0,
                    "val_loss",
                    2.0 - step / 1000));
        }
        return new RunRecord(
                id, "modular-addition", Map.of("train.weight_decay", wd, "seed", id), finished, startedAt, rows);
    }

    private static final RunSource RUNS = () -> List.of(
            run("a", "1.0", 600, true),
            run("b", "1", 800, true),
            run("c", "0.0", 2000, true),
            run("d", "1.0", 100, false));

    @Test
    void averagesDetectorOutputsOverTheFinishedMatchingRuns() {
        Target t = new Target("modular-addition", Map.of("train.weight_decay", "1.0"), "grok_step", null);
        Resolver.Value v = RESOLVER.resolve(t, RUNS, REGISTERED, false);
        assertEquals((600 + 800) / 2.0, v.value());
        assertEquals(
                List.of("a", "b"), v.runs().stream().map(Resolution.RunUsed::id).toList());
        assertTrue(v.preRegistered());
        Target grokked = new Target("modular-addition", Map.of("train.weight_decay", "0.0"), "grokked", null);
        assertEquals(0, RESOLVER.resolve(grokked, RUNS, REGISTERED, false).value());
    }

    @Test
    void reducesMetrics() {
        Target fin = new Target("modular-addition", Map.of("seed", "a"), "val_loss", Target.Reduction.FINAL);
        assertEquals(1.0, RESOLVER.resolve(fin, RUNS, REGISTERED, false).value(), 1e-12);
        Target max = new Target("modular-addition", Map.of("seed", "a"), "val_loss", Target.Reduction.MAX);
        assertEquals(2.0, RESOLVER.resolve(max, RUNS, REGISTERED, false).value(), 1e-12);
    }

    @Test
    void aMetricThatDoesNotExistIsAClearError() {
        Target t = new Target("modular-addition", Map.of(), "test_accuracy", Target.Reduction.FINAL);
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> RESOLVER.resolve(t, RUNS, REGISTERED, false));
        assertEquals(
                "metric 'test_accuracy' does not exist in run a: it logs [step, test_acc, test_loss, train_acc, val_loss]",
                e.getMessage());
        Target none = new Target("sparse-parity", Map.of(), "test_loss", null);
        IllegalArgumentException n =
                assertThrows(IllegalArgumentException.class, () -> RESOLVER.resolve(none, RUNS, REGISTERED, false));
        assertTrue(n.getMessage().startsWith("no finished run of recipe 'sparse-parity'"), n.getMessage());
    }

    @Test
    void runsThatStartedBeforeTheRegistrationAreRefusedAndNamedUnlessAllowed() {
        // registered at 20:57; the only run finished at 20:45 (started 20:40)
        RunRecord early = run("early", "1.0", 600, true, Instant.parse("2026-01-01T20:40:00Z"));
        RunSource source = () -> List.of(early);
        Target t = new Target("modular-addition", Map.of("train.weight_decay", "1.0"), "grok_step", null);
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> RESOLVER.resolve(t, source, REGISTERED, false));
        assertEquals(
                "the prediction was registered at 2026-01-01T20:57:00Z and every matching run started before it:"
                        + " early (started 2026-01-01T20:40:00Z); a prediction resolves only against runs started"
                        + " after its registration (--allow-earlier-runs uses them and marks the resolution as not"
                        + " pre-registered)",
                e.getMessage());
        Resolver.Value allowed = RESOLVER.resolve(t, source, REGISTERED, true);
        assertEquals(600, allowed.value());
        assertFalse(allowed.preRegistered());
        // with a later run as well, the earlier one is left out and named
        RunSource both = () -> List.of(early, run("late", "1.0", 800, true));
        Resolver.Value v = RESOLVER.resolve(t, both, REGISTERED, false);
        assertEquals(800, v.value());
        assertTrue(v.preRegistered());
        assertEquals(
                List.of("early"),
                v.earlier().stream().map(Resolution.RunUsed::id).toList());
        // a run started in the very millisecond of the registration is not after it
        RunSource same = () -> List.of(run("same", "1.0", 600, true, REGISTERED));
        assertThrows(IllegalArgumentException.class, () -> RESOLVER.resolve(t, same, REGISTERED, false));
    }
}

package dev.vivarium.core.run;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vivarium.core.recipe.RecipeLoader;
import dev.vivarium.store.run.MetricLog;
import dev.vivarium.store.run.RunDir;
import dev.vivarium.store.run.RunState;
import dev.vivarium.store.safetensors.Safetensors;
import dev.vivarium.store.safetensors.SafetensorsFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The durability invariant, under many SIGKILLs at random moments (inside checkpoint and metric writes
 * among them): after any sequence of kills and resumes the metric log has exactly one row per logged step,
 * in order, equal to the uninterrupted run's rows (wall time aside), and the final weights and optimizer
 * state equal the uninterrupted run's bit for bit.
 */
class KillLoopTest {
    private static final int KILLS = 12;
    private static final int STEPS = 3000; // kill-loop.yaml: long enough (~6 s of steps) for 12 kills to land in it

    @TempDir
    Path runs;

    @Test
    void rowsAndWeightsSurviveAnySequenceOfKills() throws Exception {
        Path recipe = TestRuns.recipe("kill-loop.yaml");
        Path log = runs.resolve("children.log");
        Path dir = runs.resolve("killed");
        SplittableRandom random = new SplittableRandom(2026);
        int kills = 0;
        boolean started = false;
        for (int attempt = 0; attempt < KILLS + 3; attempt++) {
            if (started && RunDir.open(dir).readStatus().state() == RunState.COMPLETED) {
                break; // a kill landed after the run had finished (the JVM was on its way out)
            }
            Process child = started
                    ? KillableRun.spawn(log, recipe.toString(), runs.toString(), "killed", "resume")
                    : KillableRun.spawn(log, recipe.toString(), runs.toString(), "killed");
            if (!started) {
                // until config.yaml and status.json exist the run is not a run yet: kill only after that
                waitFor(() -> Files.exists(dir.resolve("status.json")), child, log);
                started = true;
            }
            if (kills < KILLS) {
                // JVM and engine start take ~1-2 s; a step takes ~2 ms: kills land in start-up, steps and writes, and
                // a fast machine still leaves steps for the last kills
                Thread.sleep(300 + random.nextInt(1500));
                if (child.isAlive()) {
                    child.destroyForcibly();
                    child.waitFor(30, TimeUnit.SECONDS);
                    kills++;
                    MetricLog.Contents c = new MetricLog(dir.resolve("metrics.jsonl")).readValid();
                    assertTrue(
                            c.problem().isEmpty(),
                            () -> "after kill: " + c.problem().get());
                    continue;
                }
            }
            assertTrue(child.waitFor(120, TimeUnit.SECONDS), "the last segment finishes");
            assertEquals(0, child.exitValue(), () -> read(log));
            if (RunDir.open(dir).readStatus().state() == RunState.COMPLETED) {
                break;
            }
        }
        RunDir killed = RunDir.open(dir);
        assertEquals(RunState.COMPLETED, killed.readStatus().state(), () -> read(log));
        assertTrue(kills >= KILLS / 2, "most kills landed while the child ran: " + kills);

        RunDir whole = Experiment.start(RecipeLoader.load(recipe, List.of()), runs, Optional.of("whole"), List.of());
        List<Map<String, Double>> expected = TestRuns.withoutWallTime(whole.metricsFile());
        List<Map<String, Double>> got = TestRuns.withoutWallTime(killed.metricsFile());
        assertEquals(STEPS / 5 + 1, expected.size());
        assertEquals(expected, got, "one row per logged step, equal to the uninterrupted run's");
        for (Path f : List.of(whole.checkpointFile(STEPS), whole.optimizerFile(STEPS))) {
            SafetensorsFile a = Safetensors.read(f);
            SafetensorsFile b =
                    Safetensors.read(killed.root().resolve(whole.root().relativize(f)));
            for (String name : a.tensors().keySet()) {
                assertArrayEquals(
                        a.tensors().get(name).bytes(), b.tensors().get(name).bytes(), f + " " + name);
            }
        }
        try (Stream<Path> files = Files.walk(killed.root())) {
            List<Path> temps = files.filter(p -> p.getFileName().toString().contains(".tmp-"))
                    .toList();
            assertTrue(temps.isEmpty(), "temporary files of killed writes are cleaned on resume: " + temps);
        }
    }

    private interface Condition {
        boolean holds() throws Exception;
    }

    private static void waitFor(Condition c, Process child, Path log) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!c.holds()) {
            assertTrue(System.nanoTime() < deadline, "timed out; " + read(log));
            assertTrue(child.isAlive() || c.holds(), () -> "child died early: " + read(log));
            Thread.sleep(5);
        }
    }

    static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (Exception e) {
            return "(no log)";
        }
    }
}

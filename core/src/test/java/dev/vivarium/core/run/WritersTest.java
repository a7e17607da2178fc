package dev.vivarium.core.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vivarium.core.recipe.Recipe;
import dev.vivarium.core.recipe.RecipeLoader;
import dev.vivarium.store.run.MetricLog;
import dev.vivarium.store.run.RunDir;
import dev.vivarium.store.run.RunLock;
import dev.vivarium.store.run.RunLockedException;
import dev.vivarium.store.run.RunState;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One writer per run, and a writer that stops promptly and cleanly on SIGTERM. */
class WritersTest {
    @TempDir
    Path runs;

    @Test
    void aSecondWriterIsRefusedNamingTheFirstAcrossProcesses() throws Exception {
        Recipe r = RecipeLoader.load(TestRuns.recipe("tiny-modular.yaml"), List.of("train.steps=30"));
        RunDir run = Experiment.start(r, runs, Optional.of("r"), List.of());
        run.updateStatus(s -> s.withState(RunState.KILLED, Optional.empty()));
        Path log = runs.resolve("child.log");
        try (RunLock held = RunLock.acquire(run.root())) {
            // in this process: refused at once
            RunLockedException here =
                    assertThrows(RunLockedException.class, () -> Experiment.resume(run.root(), List.of()));
            assertTrue(
                    here.getMessage()
                            .contains("is being written by pid "
                                    + ProcessHandle.current().pid()),
                    here.getMessage());
            // in another process: refused too, and it changes nothing
            long before = Files.size(run.metricsFile());
            Process other = KillableRun.spawn(log, "-", runs.toString(), "r", "resume");
            assertTrue(other.waitFor(60, TimeUnit.SECONDS));
            assertTrue(other.exitValue() != 0, "the second writer fails");
            assertTrue(
                    KillLoopTest.read(log)
                            .contains("is being written by pid "
                                    + ProcessHandle.current().pid()),
                    KillLoopTest.read(log));
            assertEquals(before, Files.size(run.metricsFile()));
            assertEquals(RunState.KILLED, run.readStatus().state());
        }
    }

    @Test
    void sigtermStopsWithinSecondsWithACheckpointAndAResumableStatus() throws Exception {
        Path recipe = TestRuns.recipe("kill-loop.yaml");
        Path log = runs.resolve("child.log");
        Path dir = runs.resolve("t");
        Process child = KillableRun.spawn(log, recipe.toString(), runs.toString(), "t");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!(Files.exists(dir.resolve("metrics.jsonl")) && Files.size(dir.resolve("metrics.jsonl")) > 0)) {
            assertTrue(System.nanoTime() < deadline && child.isAlive(), () -> KillLoopTest.read(log));
            Thread.sleep(5);
        }
        long t0 = System.nanoTime();
        child.destroy(); // SIGTERM
        assertTrue(child.waitFor(20, TimeUnit.SECONDS), "exits on SIGTERM");
        double seconds = (System.nanoTime() - t0) / 1e9;
        assertTrue(seconds < 5, "SIGTERM took " + seconds + " s to exit (Slurm kills 30 s after it)");
        RunDir run = RunDir.open(dir);
        assertEquals(RunState.KILLED, run.readStatus().state(), () -> KillLoopTest.read(log));
        long stoppedAt = run.readStatus().step();
        assertTrue(stoppedAt < 1500, "stopped part-way, at " + stoppedAt);
        assertEquals(stoppedAt, run.lastCheckpointStep().orElseThrow(), "a checkpoint of the step it stopped at");
        assertTrue(run.readStatus().message().orElse("").contains("vivarium resume"));
        assertTrue(new MetricLog(run.metricsFile()).readValid().problem().isEmpty());
        Experiment.resume(run.root(), List.of());
        assertEquals(RunState.COMPLETED, run.readStatus().state());
    }

    @Test
    void recipesThatCannotFitAreRefusedBeforeAnythingIsWritten() {
        String tiny = TestRuns.recipe("tiny-modular.yaml").toString();
        String parity = TestRuns.projectFile("recipes/parity.yaml").toString();
        String addition = TestRuns.projectFile("recipes/addition.yaml").toString();
        String[][] cases = {
            {tiny, "task.p=10000", "task.p"},
            {tiny, "model.nLayers=100000", "model.nLayers"},
            {tiny, "model.dModel=50000", "model.dModel"},
            {tiny, "model.dMlp=2000000000", "model.dMlp"},
            {parity, "task.samples=2000000000", "task.samples"},
            // 3 digits have 10^6 pairs: the evaluation chunks of 65,536 examples are what does not fit
            {addition, "task.samples=2000000000", "train.evalBatch"},
        };
        for (String[] c : cases) {
            Recipe r = RecipeLoader.load(Path.of(c[0]), List.of(c[1]));
            IllegalArgumentException e = assertThrows(
                    IllegalArgumentException.class, () -> Experiment.start(r, runs, Optional.of("x"), List.of()), c[1]);
            assertTrue(e.getMessage().startsWith("this recipe needs about "), e.getMessage());
            String largest = e.getMessage().substring(e.getMessage().indexOf("that size them: "));
            assertTrue(
                    largest.split(" [0-9.]+ [kMGTP]?B")[0].contains(c[2]),
                    c[1] + ": the largest part names " + c[2] + ": " + e.getMessage());
            assertFalse(Files.exists(runs.resolve("x")), "nothing written for " + c[1]);
        }
    }

    @Test
    void aRunPathThroughAMissingFolderCreatesNothingButTheRun() throws Exception {
        Recipe r = RecipeLoader.load(TestRuns.recipe("tiny-modular.yaml"), List.of("train.steps=5"));
        RunDir run = Experiment.start(r, runs, Optional.of("missing/../b"), List.of());
        assertEquals(runs.resolve("b").toAbsolutePath(), run.root());
        assertFalse(Files.exists(runs.resolve("missing")), "no half-made folder on the way");
    }
}

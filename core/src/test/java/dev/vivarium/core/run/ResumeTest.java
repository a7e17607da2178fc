package dev.vivarium.core.run;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vivarium.core.recipe.RecipeLoader;
import dev.vivarium.store.run.RunDir;
import dev.vivarium.store.run.RunState;
import dev.vivarium.store.safetensors.Safetensors;
import dev.vivarium.store.safetensors.SafetensorsFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run killed with SIGKILL part-way and resumed ends with the same weights, bit for bit, and the
 * same metric log as a run that was never interrupted (same thread count).
 */
class ResumeTest {
    @TempDir
    Path runs;

    @Test
    void killedAndResumedRunEqualsUninterruptedRun() throws Exception {
        Path recipe = TestRuns.recipe("tiny-modular.yaml");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(
                        java,
                        "-Dai.djl.offline=true",
                        "-cp",
                        System.getProperty("java.class.path"),
                        KillableRun.class.getName(),
                        recipe.toString(),
                        runs.toString(),
                        "killed")
                .redirectErrorStream(true)
                .redirectOutput(runs.resolve("child.log").toFile())
                .start();
        RunDir killed = null;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (System.nanoTime() < deadline) {
            Path dir = runs.resolve("killed");
            if (Files.exists(dir.resolve("config.yaml")) && killed == null) {
                killed = RunDir.open(dir);
            }
            if (killed != null && killed.lastCheckpointStep().orElse(0) >= 200) {
                break;
            }
            assertTrue(child.isAlive(), () -> "child died early: " + read(runs.resolve("child.log")));
            Thread.sleep(20);
        }
        child.destroyForcibly(); // SIGKILL: no shutdown hook runs
        child.waitFor(30, TimeUnit.SECONDS);
        long killedAt = killed.lastCheckpointStep().orElseThrow();
        assertTrue(killedAt < 2000, "the run must be killed before it ends, last checkpoint " + killedAt);
        assertEquals(RunState.RUNNING, killed.readStatus().state(), "SIGKILL leaves RUNNING on disk");
        assertEquals(
                RunState.KILLED,
                killed.effectiveStatus(Duration.ofSeconds(60)).state(),
                "a dead process is seen as dead");

        Experiment.resume(killed.root(), List.of());
        RunDir whole = Experiment.start(RecipeLoader.load(recipe, List.of()), runs, Optional.of("whole"), List.of());

        assertEquals(RunState.COMPLETED, killed.readStatus().state());
        SafetensorsFile a = Safetensors.read(killed.checkpointFile(2000));
        SafetensorsFile b = Safetensors.read(whole.checkpointFile(2000));
        assertEquals(b.tensors().keySet(), a.tensors().keySet());
        for (String name : b.tensors().keySet()) {
            assertArrayEquals(
                    b.tensors().get(name).bytes(), a.tensors().get(name).bytes(), name + " differs after resume");
        }
        assertArrayEquals(
                Files.readAllBytes(whole.optimizerFile(2000)).length > 0
                        ? Safetensors.read(whole.optimizerFile(2000))
                                .get("m.embed.W_E")
                                .bytes()
                        : null,
                Safetensors.read(killed.optimizerFile(2000)).get("m.embed.W_E").bytes());
        assertEquals(
                TestRuns.withoutWallTime(whole.metricsFile()),
                TestRuns.withoutWallTime(killed.metricsFile()),
                "the resumed curve continues the uninterrupted one");
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (Exception e) {
            return "(no log)";
        }
    }
}

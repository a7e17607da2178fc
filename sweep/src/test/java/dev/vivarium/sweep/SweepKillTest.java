package dev.vivarium.sweep;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vivarium.store.run.RunDir;
import dev.vivarium.store.run.RunState;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kill -9 of the executor in the middle of a sweep's second point, then the same command again: every point
 * completes, and every point's final weights and optimizer state equal those of an uninterrupted sweep bit
 * for bit (same threads). Every point alone ({@code --no-batch}); {@link SweepBatchTest} kills a population.
 */
class SweepKillTest {
    @TempDir
    Path dir;

    @Test
    void aSweepKilledMidPointContinuesToTheSameWeights() throws Exception {
        Files.copy(Path.of("src/test/resources/local/tiny.yaml"), dir.resolve("tiny.yaml"));
        Path spec = Files.writeString(
                dir.resolve("three.yaml"),
                "recipe: tiny.yaml\nset: {train.steps: 600, train.checkpoints: 30, train.batchSize: 32}\n"
                        + "sweep: {grid: {train.lr: [0.001, 0.002, 0.003]}}\n");
        List<Point> points = Sweep.points(spec);
        Path killed = dir.resolve("killed");
        Path runs = killed.resolve("three/runs");
        Process child = SweepChild.spawn(dir.resolve("child.log"), spec.toString(), killed.toString(), "--no-batch");
        Path second = runs.resolve(points.get(1).id());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        // kill once the second point has a checkpoint past step 0: in the middle of it
        while (!(Files.isDirectory(second.resolve("checkpoints"))
                && RunDir.open(runs.resolve(points.get(0).id())).readStatus().state() == RunState.COMPLETED
                && Files.exists(second.resolve("status.json"))
                && RunDir.open(second).lastCheckpointStep().orElse(0) > 0)) {
            assertTrue(System.nanoTime() < deadline && child.isAlive(), () -> read(dir.resolve("child.log")));
            Thread.sleep(5);
        }
        child.destroyForcibly();
        child.waitFor(30, TimeUnit.SECONDS);
        assertTrue(RunDir.open(second).lastCheckpointStep().orElseThrow() < 600, "killed part-way");

        PrintStream quiet = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        var alone = LocalExecutor.Options.inProcess().withBatch(false);
        List<PointRunner.Outcome> resumed = LocalExecutor.run(spec, killed, alone, List::of, quiet);
        List<PointRunner.Outcome> whole = LocalExecutor.run(spec, dir.resolve("whole"), alone, List::of, quiet);
        assertEquals("skipped: completed before", resumed.get(0).message(), "the finished point is not retrained");
        for (int i = 0; i < points.size(); i++) {
            assertEquals(
                    RunState.COMPLETED, resumed.get(i).state(), resumed.get(i).message());
            RunDir a = RunDir.open(resumed.get(i).run());
            RunDir b = RunDir.open(whole.get(i).run());
            for (Path f : List.of(a.checkpointFile(600), a.optimizerFile(600))) {
                Path g = b.root().resolve(a.root().relativize(f));
                var x = dev.vivarium.store.safetensors.Safetensors.read(f).tensors();
                var y = dev.vivarium.store.safetensors.Safetensors.read(g).tensors();
                assertEquals(y.keySet(), x.keySet());
                for (String name : x.keySet()) {
                    assertArrayEquals(y.get(name).bytes(), x.get(name).bytes(), "point " + i + " " + name);
                }
            }
        }
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (Exception e) {
            return "(no log)";
        }
    }
}

package dev.vivarium.sweep;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vivarium.store.run.RunDir;
import dev.vivarium.store.run.RunState;
import dev.vivarium.store.safetensors.Safetensors;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Points as child processes, two at a time: one point's divergence is that point's FAILED status and the
 * others complete; kill -9 of the executor mid-sweep stops its workers (each writes a checkpoint and stops
 * KILLED, releasing its run), and {@code resume} then completes every point with final weights and optimizer
 * state equal, bit for bit, to those of the same points trained one after another in one process with the same
 * threads. Every point alone ({@code --no-batch}): a population trains in the executor's own process.
 */
class SweepParallelTest {
    @TempDir
    Path dir;

    @Test
    void killedParallelSweepResumesToTheInProcessWeightsAndADivergingPointFailsAlone() throws Exception {
        Files.copy(Path.of("src/test/resources/local/tiny.yaml"), dir.resolve("tiny.yaml"));
        int threads = Math.max(1, Runtime.getRuntime().availableProcessors() / 2);
        String body = "recipe: tiny.yaml\nset: {train.steps: 1500, train.checkpoints: 40, train.batchSize: 32}\n"
                + "sweep: {grid: {train.lr: [0.001, 0.003, 1.0e+30]}, seeds: 2}\n";
        Path spec = Files.writeString(dir.resolve("six.yaml"), body);
        List<Point> points = Sweep.points(spec);
        Path killed = dir.resolve("killed");
        SweepFolder folder = SweepFolder.forSpec(spec, killed);

        Process executor =
                SweepChild.spawn(dir.resolve("executor.log"), spec.toString(), killed.toString(), "2", "--no-batch");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
        // kill once some point has completed and another is less than half-way
        while (!(count(folder, points, RunState.COMPLETED) >= 1 && partWay(folder, points))) {
            assertTrue(System.nanoTime() < deadline && executor.isAlive(), () -> read(dir.resolve("executor.log")));
            Thread.sleep(5);
        }
        executor.destroyForcibly();
        executor.waitFor(30, TimeUnit.SECONDS);
        // its workers notice and stop: no run is left RUNNING (each stopped KILLED, with a checkpoint)
        while (count(folder, points, RunState.RUNNING) > 0) {
            assertTrue(System.nanoTime() < deadline, "workers still running after their executor died");
            Thread.sleep(20);
        }
        assertTrue(
                count(folder, points, RunState.KILLED) >= 1,
                () -> "no point was stopped part-way: "
                        + points.stream()
                                .map(p -> p.id() + " " + SweepReport.status(folder.run(p.id())) + " "
                                        + read(folder.log(p.id())))
                                .toList());

        PrintStream quiet = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        var options = new LocalExecutor.Options(2, Optional.of(SweepWorkerChild.command()), false, false);
        List<PointRunner.Outcome> resumed = LocalExecutor.resume(folder.root(), options, List::of, quiet);

        // the same points, one after another in this process, with the threads the workers had
        Files.createDirectories(dir.resolve("reference"));
        Path reference = Files.writeString(
                dir.resolve("reference").resolve("six.yaml"),
                body.replace("set: {", "set: {threads: " + threads + ", "));
        Files.copy(dir.resolve("tiny.yaml"), reference.resolveSibling("tiny.yaml"));
        List<PointRunner.Outcome> whole = LocalExecutor.run(
                reference,
                dir.resolve("whole"),
                LocalExecutor.Options.inProcess().withBatch(false),
                List::of,
                quiet);

        for (int i = 0; i < points.size(); i++) {
            PointRunner.Outcome o = resumed.get(i);
            assertEquals(points.get(i).id(), whole.get(i).point().id(), "threads are not part of a point's id");
            if (points.get(i).recipe().train().lr() > 1) {
                assertEquals(RunState.FAILED, o.state(), o.message());
                assertTrue(o.message().contains("diverged"), o.message());
                continue;
            }
            assertEquals(RunState.COMPLETED, o.state(), o.message());
            RunDir a = RunDir.open(o.run());
            RunDir b = RunDir.open(whole.get(i).run());
            assertEquals(threads, configThreads(a), "the worker's threads");
            for (Path f : List.of(a.checkpointFile(1500), a.optimizerFile(1500))) {
                var x = Safetensors.read(f).tensors();
                var y = Safetensors.read(b.root().resolve(a.root().relativize(f)))
                        .tensors();
                assertEquals(y.keySet(), x.keySet());
                for (String name : x.keySet()) {
                    assertArrayEquals(y.get(name).bytes(), x.get(name).bytes(), "point " + i + " " + name);
                }
            }
        }
        assertEquals(
                4,
                resumed.stream().filter(o -> o.state() == RunState.COMPLETED).count(),
                "both diverging points failed, the four others completed");
    }

    private static int configThreads(RunDir run) throws IOException {
        for (String line : Files.readAllLines(run.configFile())) {
            if (line.startsWith("threads: ")) {
                return Integer.parseInt(line.substring("threads: ".length()).strip());
            }
        }
        throw new AssertionError("no threads in " + run.configFile());
    }

    private static long count(SweepFolder folder, List<Point> points, RunState state) {
        return points.stream()
                .filter(p -> SweepReport.status(folder.run(p.id()))
                        .map(s -> s.state() == state)
                        .orElse(false))
                .count();
    }

    private static boolean partWay(SweepFolder folder, List<Point> points) {
        for (Point p : points) {
            var s = SweepReport.status(folder.run(p.id()));
            try {
                if (s.isPresent()
                        && s.get().state() == RunState.RUNNING
                        && s.get().step() < s.get().totalSteps() / 2
                        && RunDir.open(folder.run(p.id())).lastCheckpointStep().orElse(0) > 0) {
                    return true;
                }
            } catch (IOException e) {
                // not yet readable
            }
        }
        return false;
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            return "(no log)";
        }
    }
}

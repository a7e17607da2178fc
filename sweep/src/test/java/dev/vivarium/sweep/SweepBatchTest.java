package dev.vivarium.sweep;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vivarium.store.run.MetricLog;
import dev.vivarium.store.run.RunDir;
import dev.vivarium.store.run.RunState;
import dev.vivarium.store.safetensors.DType;
import dev.vivarium.store.safetensors.Safetensors;
import dev.vivarium.store.safetensors.Tensor;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The local executor batches the points that can be one computation into populations: a sweep over seeds and
 * learning rates trained batched ends with every point's weights, optimizer state and metric rows equal to
 * the same sweep trained point by point ({@code --no-batch}) to 1e-5 relative, configs and splits byte for
 * byte; a shape axis makes one population per shape; completed points are never trained again, batched or
 * not; a population that throws as a whole is trained point by point; a population killed with SIGKILL
 * resumes together; with child workers the population takes the workers' threads in this process.
 */
class SweepBatchTest {
    /** Tolerance of batched against unbatched values, relative. */
    private static final double REL = 1e-5;

    @TempDir
    Path dir;

    private final ByteArrayOutputStream notes = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(notes, true, StandardCharsets.UTF_8);

    /** A spec over {@code src/test/resources/local/tiny.yaml} with {@code body} after its recipe line. */
    private Path spec(String name, String body) throws IOException {
        Path tiny = dir.resolve("tiny.yaml");
        if (!Files.exists(tiny)) {
            Files.copy(Path.of("src/test/resources/local/tiny.yaml"), tiny);
        }
        return Files.writeString(dir.resolve(name + ".yaml"), "recipe: tiny.yaml\n" + body);
    }

    private String notes() {
        return notes.toString(StandardCharsets.UTF_8);
    }

    private static LocalExecutor.Options alone() {
        return LocalExecutor.Options.inProcess().withBatch(false);
    }

    @Test
    void aBatchedSweepEqualsItsPointsTrainedAloneAndIsNotTrainedAgain() throws Exception {
        Path spec = spec(
                "four",
                "set: {train.steps: 100, train.batchSize: 32, train.checkpoints: 4}\n"
                        + "sweep: {grid: {train.lr: [0.001, 0.003]}, seeds: 2}\n");
        List<PointRunner.Outcome> batched =
                LocalExecutor.run(spec, dir.resolve("batched"), LocalExecutor.Options.inProcess(), List::of, out);
        String batchedNotes = notes();
        notes.reset();
        List<PointRunner.Outcome> single = LocalExecutor.run(spec, dir.resolve("alone"), alone(), List::of, out);
        assertTrue(
                batchedNotes.contains("batching 4 points into one population (train.lr, seed differ)"), batchedNotes);
        assertFalse(notes().contains("population"), notes());

        assertEquals(4, batched.size());
        double worst = 0;
        for (int i = 0; i < 4; i++) {
            assertEquals(
                    RunState.COMPLETED, batched.get(i).state(), batched.get(i).message());
            assertEquals(
                    RunState.COMPLETED, single.get(i).state(), single.get(i).message());
            RunDir a = RunDir.open(single.get(i).run());
            RunDir b = RunDir.open(batched.get(i).run());
            assertEquals(a.id(), b.id(), "the same point");
            assertEquals(Files.readString(a.configFile()), Files.readString(b.configFile()), "config " + i);
            assertArrayEquals(Files.readAllBytes(a.splitFile()), Files.readAllBytes(b.splitFile()), "split " + i);
            assertEquals(a.checkpointSteps(), b.checkpointSteps(), "checkpoint steps " + i);
            for (long step : a.checkpointSteps()) {
                worst = Math.max(worst, maxRelative(a.checkpointFile(step), b.checkpointFile(step)));
                worst = Math.max(worst, maxRelative(a.optimizerFile(step), b.optimizerFile(step)));
            }
            worst = Math.max(worst, maxRelativeRows(a.metricsFile(), b.metricsFile()));
        }
        System.out.printf(
                Locale.ROOT,
                "batched against unbatched: max relative difference %.3g over weights, optimizer"
                        + " state and metric rows%n",
                worst);
        assertTrue(worst <= REL, "batched and unbatched differ by " + worst + " relative");

        // the comparison tells two points apart: it is not blind
        RunDir p0 = RunDir.open(batched.get(0).run());
        RunDir p1 = RunDir.open(batched.get(1).run());
        assertTrue(maxRelative(p0.checkpointFile(100), p1.checkpointFile(100)) > 1e-2, "two seeds' weights differ");

        // again: every point is skipped, nothing is written
        byte[] before = Files.readAllBytes(p0.metricsFile());
        byte[] weights = Files.readAllBytes(p0.checkpointFile(100));
        notes.reset();
        List<PointRunner.Outcome> again =
                LocalExecutor.run(spec, dir.resolve("batched"), LocalExecutor.Options.inProcess(), List::of, out);
        for (PointRunner.Outcome o : again) {
            assertEquals(RunState.COMPLETED, o.state());
            assertEquals("skipped: completed before", o.message());
        }
        assertFalse(notes().contains("population"), notes());
        assertArrayEquals(before, Files.readAllBytes(p0.metricsFile()));
        assertArrayEquals(weights, Files.readAllBytes(p0.checkpointFile(100)));
    }

    @Test
    void aShapeAxisMakesOnePopulationPerShape() throws Exception {
        Path spec = spec("widths", "sweep: {grid: {model.dModel: [16, 24]}, seeds: 2}\n");
        List<Point> points = Sweep.points(spec);
        SweepFolder folder = SweepFolder.forSpec(spec, dir.resolve("sweeps"));
        Batches.Plan plan = Batches.plan(folder, points, Batches.CAP);
        assertEquals(List.of(), plan.alone());
        assertEquals(2, plan.batches().size());
        for (Batches.Batch b : plan.batches()) {
            assertEquals(2, b.points().size());
            assertEquals(
                    b.points().get(0).recipe().model(),
                    b.points().get(1).recipe().model(),
                    "one shape a population");
            assertEquals("seed differ", b.differing());
        }
        assertTrue(
                !plan.batches()
                        .get(0)
                        .points()
                        .get(0)
                        .recipe()
                        .model()
                        .equals(plan.batches().get(1).points().get(0).recipe().model()),
                "two shapes");

        List<PointRunner.Outcome> outcomes =
                LocalExecutor.run(spec, dir.resolve("sweeps"), LocalExecutor.Options.inProcess(), List::of, out);
        assertEquals(4, outcomes.size());
        outcomes.forEach(o -> assertEquals(RunState.COMPLETED, o.state(), o.message()));
        assertEquals(
                2,
                notes().lines()
                        .filter(l -> l.startsWith("batching 2 points into one population (seed differ)"))
                        .count(),
                notes());
    }

    @Test
    void aCapSplitsAGroupEvenly() throws Exception {
        Path spec = spec("seven", "sweep: {seeds: 7}\n");
        List<Point> points = Sweep.points(spec);
        List<List<Point>> chunks = Batches.split(points, 3);
        assertEquals(List.of(2, 2, 3), chunks.stream().map(List::size).toList(), "3 populations, sizes as even");
        assertEquals(points, chunks.stream().flatMap(List::stream).toList(), "every point once, in order");
        Batches.Plan plan = Batches.plan(SweepFolder.forSpec(spec, dir.resolve("sweeps")), points, 6);
        assertEquals(
                List.of(3, 4),
                plan.batches().stream().map(b -> b.points().size()).toList());
    }

    @Test
    void aCompletedPointIsNotTrainedAgainWhenItsSiblingsAreBatched() throws Exception {
        Path sweeps = dir.resolve("sweeps");
        PointRunner.Outcome first = LocalExecutor.run(
                        spec("lrs", "sweep: {grid: {train.lr: [0.001]}}\n"),
                        sweeps,
                        LocalExecutor.Options.inProcess(),
                        List::of,
                        out)
                .get(0);
        assertEquals(RunState.COMPLETED, first.state(), first.message());
        RunDir run = RunDir.open(first.run());
        byte[] metrics = Files.readAllBytes(run.metricsFile());
        byte[] weights = Files.readAllBytes(run.checkpointFile(30));
        byte[] status = Files.readAllBytes(run.statusFile());
        notes.reset();

        List<PointRunner.Outcome> grown = LocalExecutor.run(
                spec("lrs", "sweep: {grid: {train.lr: [0.001, 0.002, 0.003]}}\n"),
                sweeps,
                LocalExecutor.Options.inProcess(),
                List::of,
                out);
        assertEquals(first.point().id(), grown.get(0).point().id());
        assertEquals("skipped: completed before", grown.get(0).message());
        grown.forEach(o -> assertEquals(RunState.COMPLETED, o.state(), o.message()));
        assertTrue(notes().contains("batching 2 points into one population (train.lr differ)"), notes());
        assertArrayEquals(metrics, Files.readAllBytes(run.metricsFile()), "not trained again");
        assertArrayEquals(weights, Files.readAllBytes(run.checkpointFile(30)));
        assertArrayEquals(status, Files.readAllBytes(run.statusFile()));
    }

    @Test
    void aPopulationThatThrowsAsAWholeIsTrainedPointByPoint() throws Exception {
        // 13 * 13 pairs: 50 and 101 training examples; a population's one batch size cannot be 64 for both
        Path spec = spec("fractions", "set: {train.batchSize: 64}\nsweep: {grid: {task.trainFraction: [0.3, 0.6]}}\n");
        List<PointRunner.Outcome> outcomes =
                LocalExecutor.run(spec, dir.resolve("batched"), LocalExecutor.Options.inProcess(), List::of, out);
        assertTrue(notes().contains("batching 2 points into one population (task.trainFraction differ)"), notes());
        assertTrue(
                notes().contains("the population of 2 points failed as a whole (train.batchSize 64 exceeds a"
                        + " member's "),
                notes());
        assertTrue(notes().contains("training them one at a time instead"), notes());
        List<PointRunner.Outcome> single = LocalExecutor.run(spec, dir.resolve("alone"), alone(), List::of, out);
        for (int i = 0; i < 2; i++) {
            assertEquals(
                    RunState.COMPLETED, outcomes.get(i).state(), outcomes.get(i).message());
            RunDir a = RunDir.open(single.get(i).run());
            RunDir b = RunDir.open(outcomes.get(i).run());
            assertEquals(0.0, maxRelative(a.checkpointFile(30), b.checkpointFile(30)), "trained alone: bit for bit");
            assertEquals(0.0, maxRelativeRows(a.metricsFile(), b.metricsFile()));
        }
    }

    @Test
    void aPopulationKilledWithSigkillResumesTogether() throws Exception {
        Path spec = spec(
                "three",
                "set: {train.steps: 600, train.checkpoints: 30, train.batchSize: 32}\n"
                        + "sweep: {grid: {train.lr: [0.001, 0.002, 0.003]}}\n");
        List<Point> points = Sweep.points(spec);
        Path killed = dir.resolve("killed");
        SweepFolder folder = SweepFolder.forSpec(spec, killed);
        Process child = SweepChild.spawn(dir.resolve("child.log"), spec.toString(), killed.toString());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (!everyMemberPast(folder, points, 60)) {
            assertTrue(System.nanoTime() < deadline && child.isAlive(), () -> read(dir.resolve("child.log")));
            Thread.sleep(5);
        }
        child.destroyForcibly();
        assertTrue(child.waitFor(30, TimeUnit.SECONDS));
        for (Point p : points) {
            RunDir run = RunDir.open(folder.run(p.id()));
            assertEquals(RunState.RUNNING, run.readStatus().state(), "killed mid-population");
            assertTrue(run.lastCheckpointStep().orElseThrow() < 600, "killed part-way");
        }

        List<PointRunner.Outcome> resumed =
                LocalExecutor.run(spec, killed, LocalExecutor.Options.inProcess(), List::of, out);
        assertTrue(notes().contains("killed points together into one population (train.lr differ)"), notes());
        boolean together = notes().contains("resuming 3 killed points together");
        notes().lines().filter(l -> l.contains("resuming")).forEach(System.out::println);
        notes.reset();
        List<PointRunner.Outcome> whole =
                LocalExecutor.run(spec, dir.resolve("whole"), LocalExecutor.Options.inProcess(), List::of, out);
        for (int i = 0; i < points.size(); i++) {
            assertEquals(
                    RunState.COMPLETED, resumed.get(i).state(), resumed.get(i).message());
            RunDir a = RunDir.open(whole.get(i).run());
            RunDir b = RunDir.open(resumed.get(i).run());
            // all three resumed as the population they were: bit for bit; split by a kill mid-checkpoint: 1e-5
            double rel = together ? 0 : REL;
            assertTrue(maxRelative(a.checkpointFile(600), b.checkpointFile(600)) <= rel, "point " + i);
            assertTrue(maxRelative(a.optimizerFile(600), b.optimizerFile(600)) <= rel, "point " + i);
            assertTrue(maxRelativeRows(a.metricsFile(), b.metricsFile()) <= rel, "point " + i);
        }
    }

    @Test
    void withChildWorkersAPopulationTrainsHereWithTheirThreads() throws Exception {
        // two points of one shape batch; the third, of another, trains alone in a child worker
        Path spec = spec("mixed", "sweep: {zip: {model.dModel: [16, 16, 24], train.lr: [0.001, 0.002, 0.001]}}\n");
        int cores = Runtime.getRuntime().availableProcessors();
        var options = new LocalExecutor.Options(2, Optional.of(SweepWorkerChild.command()), false, true);
        List<PointRunner.Outcome> outcomes = LocalExecutor.run(spec, dir.resolve("sweeps"), options, List::of, out);
        outcomes.forEach(o -> assertEquals(RunState.COMPLETED, o.state(), o.message()));
        int slot = Math.max(1, cores / 2);
        int population = Math.min(cores, 2 * slot);
        assertTrue(
                notes().contains("batching 2 points into one population (train.lr differ), " + population
                        + " engine thread(s)"),
                notes());
        assertEquals(population, threads(outcomes.get(0).run()), "the population's threads, recorded");
        assertEquals(population, threads(outcomes.get(1).run()));
        assertEquals(slot, threads(outcomes.get(2).run()), "a worker's threads");
        assertTrue(notes().contains("1 of 3 points to train, 2 at a time"), notes());
        assertTrue(Files.exists(SweepFolder.forSpec(spec, dir.resolve("sweeps"))
                .log(outcomes.get(2).point().id())));
    }

    private static int threads(Path run) throws IOException {
        for (String line : Files.readAllLines(run.resolve("config.yaml"))) {
            if (line.startsWith("threads: ")) {
                return Integer.parseInt(line.substring("threads: ".length()).strip());
            }
        }
        throw new AssertionError("no threads in " + run);
    }

    private static boolean everyMemberPast(SweepFolder folder, List<Point> points, long step) {
        for (Point p : points) {
            try {
                Path dir = folder.run(p.id());
                if (!Files.exists(dir.resolve("status.json"))
                        || RunDir.open(dir).lastCheckpointStep().orElse(0) < step) {
                    return false;
                }
            } catch (IOException | RuntimeException e) {
                return false;
            }
        }
        return true;
    }

    /**
     * The largest difference between two safetensors files' tensors, each relative to the largest magnitude of
     * its tensor in {@code expected}; the same names, shapes and dtypes are required, and a tensor that is not
     * float32 must be equal.
     */
    static double maxRelative(Path expected, Path actual) throws IOException {
        Map<String, Tensor> a = Safetensors.read(expected).tensors();
        Map<String, Tensor> b = Safetensors.read(actual).tensors();
        assertEquals(a.keySet(), b.keySet(), actual.toString());
        double worst = 0;
        for (Map.Entry<String, Tensor> e : a.entrySet()) {
            Tensor x = e.getValue();
            Tensor y = b.get(e.getKey());
            assertArrayEquals(x.shape(), y.shape(), e.getKey());
            assertEquals(x.dtype(), y.dtype(), e.getKey());
            if (x.dtype() != DType.F32) {
                assertArrayEquals(x.bytes(), y.bytes(), e.getKey());
                continue;
            }
            float[] u = x.toFloats();
            float[] v = y.toFloats();
            double max = 0;
            double diff = 0;
            for (int i = 0; i < u.length; i++) {
                if (Float.isFinite(u[i])) {
                    max = Math.max(max, Math.abs(u[i]));
                }
                if (Float.compare(u[i], v[i]) != 0) { // TransformerLens's IGNORE buffer is -inf in both
                    diff = Math.max(diff, Math.abs(u[i] - v[i]));
                }
            }
            worst = Math.max(worst, Double.isNaN(diff) ? Double.POSITIVE_INFINITY : diff / Math.max(max, 1e-12));
        }
        return worst;
    }

    /** The largest relative difference between two metric logs' values (wall time aside); same rows and columns. */
    static double maxRelativeRows(Path expected, Path actual) throws IOException {
        List<Map<String, Double>> a = rows(expected);
        List<Map<String, Double>> b = rows(actual);
        assertEquals(a.size(), b.size(), "rows of " + actual);
        double worst = 0;
        for (int r = 0; r < a.size(); r++) {
            assertEquals(a.get(r).keySet(), b.get(r).keySet(), "columns of row " + r + " of " + actual);
            for (Map.Entry<String, Double> e : a.get(r).entrySet()) {
                double x = e.getValue();
                double y = b.get(r).get(e.getKey());
                if (Double.compare(x, y) != 0) {
                    double d = Math.abs(x - y) / Math.max(Math.abs(x), 1e-6);
                    worst = Math.max(worst, Double.isNaN(d) ? Double.POSITIVE_INFINITY : d);
                }
            }
        }
        return worst;
    }

    private static List<Map<String, Double>> rows(Path metrics) throws IOException {
        try (MetricLog log = new MetricLog(metrics)) {
            List<Map<String, Double>> rows = new ArrayList<>();
            for (Map<String, Double> r : log.read()) {
                Map<String, Double> row = new java.util.LinkedHashMap<>(r);
                row.remove("wall_s");
                rows.add(row);
            }
            return rows;
        }
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            return "(no log)";
        }
    }
}

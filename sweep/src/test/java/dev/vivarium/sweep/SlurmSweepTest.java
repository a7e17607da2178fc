package dev.vivarium.sweep;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.vivarium.store.run.RunDir;
import dev.vivarium.store.run.RunState;
import dev.vivarium.store.safetensors.Safetensors;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A sweep of three points as one job array on a real Slurm (tools/slurm-local.sh starts a one-node cluster):
 * one task requeued part-way (scontrol requeue), one cancelled part-way (scancel, then {@code resume} submits
 * it alone again), one sent the time limit's warning signal part-way (the batch script checkpoints it and
 * requeues itself). Every point completes with final weights and optimizer state equal to an uninterrupted
 * in-process sweep's bit for bit, and {@code sweep status} never shows the cancelled task RUNNING. Skipped
 * without Slurm, failed instead when {@code VIVARIUM_REQUIRE_SLURM=1}.
 */
class SlurmSweepTest {
    private static final int STEPS = 3200;

    @TempDir
    Path dir;

    @Test
    void aJobArrayRequeuedCancelledAndWarnedEndsWithTheSameWeights() throws Exception {
        requireSlurm(dir);
        Files.copy(Path.of("src/test/resources/local/tiny.yaml"), dir.resolve("tiny.yaml"));
        Path spec = Files.writeString(
                dir.resolve("three.yaml"),
                "recipe: tiny.yaml\nset: {train.steps: " + STEPS + ", train.checkpoints: 80, train.batchSize: 32}\n"
                        + "sweep: {grid: {train.lr: [0.001, 0.002, 0.003]}}\n"
                        + "slurm: {cpusPerTask: 1, maxRunning: 3}\n");
        List<Point> points = Sweep.points(spec);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String cp = System.getProperty("java.class.path");
        SlurmExecutor.TaskCommand worker =
                d -> List.of(java, "-Dai.djl.offline=true", "-cp", cp, SlurmTestWorker.class.getName(), d.toString());
        ByteArrayOutputStream said = new ByteArrayOutputStream();
        PrintStream notes = new PrintStream(said, true, StandardCharsets.UTF_8);
        long t0 = System.nanoTime();

        Path sweeps = dir.resolve("sweeps");
        SlurmExecutor.Submission first = SlurmExecutor.submit(spec, sweeps, SlurmOptions.none(), worker, notes)
                .orElseThrow();
        assertEquals("0-2", first.indices());
        SweepFolder folder = SweepFolder.at(sweeps.resolve("three"));
        String job = first.jobId();
        Watch w = new Watch(folder, points, t0, said);

        w.until("point 0 part-way", () -> partWay(folder, points.get(0)));
        scontrol(dir, "requeue", job + "_0");
        w.until("point 1 part-way", () -> partWay(folder, points.get(1)));
        slurm(dir, "scancel", job + "_1");
        w.cancelled = 1;
        w.until("the cancelled task leaves the queue", () -> {
            SlurmQueue.Task t = SlurmQueue.tasks(folder.root()).get(1);
            return t != null && !t.alive() && !running(folder, points.get(1));
        });
        SlurmExecutor.Submission again = SlurmExecutor.resume(folder.root(), SlurmOptions.none(), worker, notes)
                .orElseThrow();
        w.cancelled = -1;
        assertEquals("1", again.indices(), "only the cancelled point is submitted again");
        assertNotEquals(job, again.jobId());
        w.until("point 2 part-way", () -> partWay(folder, points.get(2)));
        // the warning Slurm sends the batch script before the time limit
        slurm(dir, "scancel", "--batch", "--signal=USR1", job + "_2");
        w.until("every point completed and every task gone", () -> {
            for (Point p : points) {
                if (!SlurmExecutor.completed(folder.run(p.id()))) {
                    return false;
                }
            }
            return SlurmQueue.tasks(folder.root()).values().stream().noneMatch(SlurmQueue.Task::alive);
        });
        double seconds = (System.nanoTime() - t0) / 1e9;

        String log2 = log(folder, job, 2);
        assertTrue(log2.contains("time limit near: stopping point 2"), log2);
        assertTrue(log(folder, job, 0).contains("restart 1"), log(folder, job, 0));
        assertTrue(log2.contains("restart 1"), log2);
        // each interrupted point continued from its checkpoint, not from the start
        for (String l : List.of(log(folder, job, 0), log2, log(folder, again.jobId(), 1))) {
            assertTrue(l.contains("from the checkpoint of step"), l);
        }
        assertTrue(w.sawCancelledStopped, "status showed the cancelled point KILLED or STOPPING");
        List<String> jobs = Files.readAllLines(folder.root().resolve(SlurmExecutor.JOBS));
        assertEquals(3, jobs.size(), "a header and two submissions: " + jobs);
        assertTrue(jobs.get(2).startsWith(again.jobId() + "\t1\t"), jobs.toString());
        for (Point p : points) {
            RunDir run = RunDir.open(folder.run(p.id()));
            assertEquals(RunState.COMPLETED, run.readStatus().state());
        }

        PrintStream quiet = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        // the reference: every point alone (Slurm never batches), bit for bit
        var alone = LocalExecutor.Options.inProcess().withBatch(false);
        List<PointRunner.Outcome> whole = LocalExecutor.run(spec, dir.resolve("whole"), alone, List::of, quiet);
        for (int i = 0; i < points.size(); i++) {
            RunDir a = RunDir.open(folder.run(points.get(i).id()));
            RunDir b = RunDir.open(whole.get(i).run());
            for (Path f : List.of(a.checkpointFile(STEPS), a.optimizerFile(STEPS))) {
                Path g = b.root().resolve(a.root().relativize(f));
                var x = Safetensors.read(f).tensors();
                var y = Safetensors.read(g).tensors();
                assertEquals(y.keySet(), x.keySet());
                for (String name : x.keySet()) {
                    assertArrayEquals(y.get(name).bytes(), x.get(name).bytes(), "point " + i + " " + name);
                }
            }
        }
        System.err.printf("Slurm sweep test: %.0f s on Slurm (job arrays %s and %s)%n", seconds, job, again.jobId());
    }

    /** Polls a condition (bounded), checking on every pass that the cancelled point never shows RUNNING. */
    private static final class Watch {
        final SweepFolder folder;
        final List<Point> points;
        final long t0;
        final ByteArrayOutputStream said;
        volatile int cancelled = -1;
        boolean sawCancelledStopped;
        long lastNudge;

        Watch(SweepFolder folder, List<Point> points, long t0, ByteArrayOutputStream said) {
            this.folder = folder;
            this.points = points;
            this.t0 = t0;
            this.said = said;
        }

        void until(String what, Check c) throws Exception {
            while (!c.ok()) {
                Map<Integer, SlurmQueue.Task> tasks = SlurmQueue.tasks(folder.root());
                List<SweepReport.Row> rows = SweepReport.rows(folder.root(), tasks);
                if (cancelled >= 0) {
                    String s = rows.get(cancelled).state();
                    assertNotEquals("RUNNING", s, () -> "the cancelled point shows RUNNING: " + rows);
                    sawCancelledStopped |= s.equals("KILLED") || s.equals("STOPPING");
                }
                nudge(tasks);
                if (System.nanoTime() - t0 > TimeUnit.MINUTES.toNanos(5)) {
                    fail("waited 5 minutes for " + what + "\nstatus: " + rows + "\nnotes: " + said + "\n"
                            + logs(folder));
                }
                Thread.sleep(100);
            }
        }

        /** A requeued task waits two minutes (Slurm's BeginTime); let it start now, as a test can. */
        private void nudge(Map<Integer, SlurmQueue.Task> tasks) throws IOException {
            if (System.nanoTime() - lastNudge < TimeUnit.SECONDS.toNanos(2)) {
                return;
            }
            lastNudge = System.nanoTime();
            for (SlurmQueue.Task t : tasks.values()) {
                if (t.state().equals("PENDING")) {
                    SlurmExecutor.run(
                            List.of("scontrol", "update", "JobId=" + t.jobId() + "_" + t.index(), "StartTime=now"),
                            folder.root(),
                            20,
                            false);
                }
            }
        }
    }

    @FunctionalInterface
    private interface Check {
        boolean ok() throws Exception;
    }

    /** The point's run has a checkpoint past step 0 and has not completed: in the middle of its training. */
    private static boolean partWay(SweepFolder folder, Point p) throws IOException {
        Path run = folder.run(p.id());
        if (!Files.isRegularFile(run.resolve("status.json"))) {
            return false;
        }
        RunDir r = RunDir.open(run);
        if (r.readStatus().state() == RunState.COMPLETED) {
            fail("point " + p.index() + " completed before the test could interrupt it; make its run longer");
        }
        return r.readStatus().state() == RunState.RUNNING
                && r.lastCheckpointStep().orElse(0) > 0;
    }

    private static boolean running(SweepFolder folder, Point p) throws IOException {
        Path run = folder.run(p.id());
        return Files.isRegularFile(run.resolve("status.json"))
                && RunDir.open(run).readStatus().state() == RunState.RUNNING;
    }

    private static void scontrol(Path dir, String... args) throws IOException {
        List<String> argv = new ArrayList<>(List.of("scontrol"));
        argv.addAll(List.of(args));
        SlurmExecutor.run(argv, dir);
    }

    private static void slurm(Path dir, String... argv) throws IOException {
        SlurmExecutor.run(List.of(argv), dir);
    }

    private static String log(SweepFolder folder, String job, int index) throws IOException {
        Path f = folder.root().resolve("logs").resolve("slurm-" + job + "_" + index + ".out");
        return Files.isRegularFile(f) ? Files.readString(f) : "(no " + f + ")";
    }

    private static String logs(SweepFolder folder) {
        StringBuilder b = new StringBuilder();
        try (Stream<Path> s = Files.list(folder.root().resolve("logs"))) {
            for (Path f : s.sorted().toList()) {
                b.append("---- ").append(f).append('\n').append(Files.readString(f));
            }
        } catch (IOException e) {
            b.append("(no logs: ").append(e.getMessage()).append(")");
        }
        return b.toString();
    }

    /**
     * Skips the test (with the reason) when Slurm's commands are absent or no node answers; fails instead when
     * {@code VIVARIUM_REQUIRE_SLURM=1}, as CI sets after starting a one-node cluster.
     */
    static void requireSlurm(Path dir) throws IOException {
        String why = null;
        for (String c : List.of("sbatch", "squeue", "scontrol", "scancel", "sinfo")) {
            if (why == null && SlurmExecutor.onPath(c).isEmpty()) {
                why = c + " not on PATH";
            }
        }
        if (why == null) {
            Optional<String> nodes = SlurmExecutor.run(List.of("sinfo", "-h", "-o", "%t"), dir, 20, false);
            if (nodes.isEmpty()
                    || nodes.get()
                            .lines()
                            .noneMatch(l -> l.startsWith("idle") || l.startsWith("mix") || l.startsWith("alloc"))) {
                why = "no Slurm node answers (sinfo: "
                        + nodes.map(String::strip).orElse("failed") + ")";
            }
        }
        if (why == null) {
            return;
        }
        String message = "Slurm test: " + why + "; start a one-node cluster with tools/slurm-local.sh (as root)";
        if ("1".equals(System.getenv("VIVARIUM_REQUIRE_SLURM"))) {
            fail(message + " (VIVARIUM_REQUIRE_SLURM=1: this machine must have it)");
        }
        Assumptions.assumeTrue(false, message);
    }
}

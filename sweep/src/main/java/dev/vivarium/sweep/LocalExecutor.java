package dev.vivarium.sweep;

import dev.vivarium.core.recipe.Recipe;
import dev.vivarium.core.train.TrainListener;
import dev.vivarium.store.run.RunDir;
import dev.vivarium.store.run.RunLock;
import dev.vivarium.store.run.RunState;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * Trains a sweep's points on this machine, each as an ordinary run directory {@code SWEEPS/<name>/runs/<id>/},
 * so that {@code runs}, {@code show}, {@code lens} and {@code detect} all work on a point. The run directories
 * are the truth: running the sweep again skips the points that have COMPLETED, resumes the ones that were
 * killed, retries the ones that failed, and trains only the new points of a grown spec.
 *
 * <p>With one point at a time (or no worker command) the points train one after another in this process. With
 * more, each point is a child process ({@code sweep worker}) and {@code parallel × threads ≤ cores}: given
 * {@code --parallel N}, new points get {@code max(1, cores / N)} engine threads (written into their recipes, so a
 * point's run records the threads it was trained with and resumes with them); otherwise {@code N = cores /
 * threads} of the recipes. One point's crash, divergence or out-of-memory is that point's FAILED status and the
 * others go on. SIGTERM or Ctrl-C passes the signal to every running point, which writes a checkpoint of its
 * last step and stops KILLED, resumable; a worker whose executor dies (kill -9) stops the same way.
 */
public final class LocalExecutor {
    /** The environment variable through which a child learns its executor's pid, to stop when it dies. */
    public static final String PARENT_ENV = "VIVARIUM_SWEEP_PARENT";

    private LocalExecutor() {}

    /** The command that runs point {@code index} of the sweep folder {@code sweepDir} as a child process. */
    @FunctionalInterface
    public interface WorkerCommand {
        List<String> argv(Path sweepDir, int index);
    }

    /**
     * How to run the points.
     *
     * @param parallel points at once; 0 chooses {@code cores / threads}
     * @param worker the child-process command; empty runs every point in this process, one at a time
     * @param terminal redraw one progress line (a terminal) instead of printing a line per event
     */
    public record Options(int parallel, Optional<WorkerCommand> worker, boolean terminal) {
        public Options {
            if (parallel < 0) {
                throw new IllegalArgumentException("--parallel " + parallel + ": must be at least 1 (or 0: automatic)");
            }
        }

        /** One point after another in this process. */
        public static Options inProcess() {
            return new Options(1, Optional.empty(), false);
        }
    }

    /** The folder of the sweep named by {@code specFile}'s name, under {@code sweepsRoot}. */
    public static Path sweepDir(Path specFile, Path sweepsRoot) {
        return SweepFolder.forSpec(specFile, sweepsRoot).root();
    }

    /** Trains every point of the spec that has not completed, one after another in this process. */
    public static List<PointRunner.Outcome> run(
            Path specFile, Path sweepsRoot, Supplier<List<TrainListener>> listeners, PrintStream notes)
            throws IOException {
        return run(specFile, sweepsRoot, Options.inProcess(), listeners, notes);
    }

    /**
     * Expands and validates the spec (every point before anything trains), lays out its folder, and trains every
     * point that has not completed.
     *
     * @param listeners made afresh for each point trained in this process (progress bars, analyses)
     * @param notes where each point's start and end are said
     */
    public static List<PointRunner.Outcome> run(
            Path specFile, Path sweepsRoot, Options options, Supplier<List<TrainListener>> listeners, PrintStream notes)
            throws IOException {
        List<Point> points = Sweep.points(specFile);
        SweepFolder folder = SweepFolder.forSpec(specFile, sweepsRoot);
        int cores = Runtime.getRuntime().availableProcessors();
        int parallel = parallelism(points, options.parallel(), cores);
        if (options.parallel() > 0) {
            int threads = Math.max(1, cores / options.parallel());
            if (options.parallel() > cores) {
                notes.println("warning: --parallel " + options.parallel() + " is more points than the " + cores
                        + " cores; each gets 1 thread and they share the cores");
            }
            points = points.stream().map(p -> withThreads(p, threads)).toList();
        }
        folder.prepare(specFile, points);
        return train(folder, points, parallel, options, listeners, notes);
    }

    /** Continues a prepared sweep folder as planned: every point in its index that has not completed. */
    public static List<PointRunner.Outcome> resume(
            Path sweepDir, Options options, Supplier<List<TrainListener>> listeners, PrintStream notes)
            throws IOException {
        SweepFolder folder = SweepFolder.at(sweepDir);
        List<Point> points = folder.points();
        int parallel =
                parallelism(points, options.parallel(), Runtime.getRuntime().availableProcessors());
        return train(folder, points, parallel, options, listeners, notes);
    }

    /** Points at once: as given, or as many as the cores hold at the recipes' threads. */
    static int parallelism(List<Point> points, int requested, int cores) {
        if (requested > 0) {
            return requested;
        }
        int threads = points.stream().mapToInt(p -> p.recipe().threads()).max().orElse(1);
        return Math.max(1, cores / threads);
    }

    private static Point withThreads(Point p, int threads) {
        Recipe r = p.recipe();
        Recipe t = new Recipe(
                r.name(), r.description(), r.seed(), threads, r.task(), r.model(), r.train(), r.lens(), r.init());
        return new Point(p.index(), p.id(), p.overrides(), t);
    }

    private static List<PointRunner.Outcome> train(
            SweepFolder folder,
            List<Point> points,
            int parallel,
            Options options,
            Supplier<List<TrainListener>> listeners,
            PrintStream notes)
            throws IOException {
        if (parallel <= 1 || options.worker().isEmpty()) {
            return inProcess(folder, points, listeners, notes);
        }
        return new Children(folder, points, parallel, options.worker().get(), options.terminal(), notes).run();
    }

    private static List<PointRunner.Outcome> inProcess(
            SweepFolder folder, List<Point> points, Supplier<List<TrainListener>> listeners, PrintStream notes)
            throws IOException {
        List<PointRunner.Outcome> outcomes = new ArrayList<>();
        for (Point p : points) {
            PointRunner.Outcome o = PointRunner.run(p, folder, listeners.get(), notes);
            outcomes.add(o);
            folder.writeIndex(points);
            notes.println(line(p, points.size(), o));
            if (o.state() == RunState.KILLED) {
                notes.println("sweep stopped at point " + p.id() + "; run the same command again to continue");
                break;
            }
        }
        return outcomes;
    }

    static String line(Point p, int of, PointRunner.Outcome o) {
        return "sweep point " + (p.index() + 1) + "/" + of + " " + p.id() + " (" + p.describe() + "): " + o.state()
                + (o.message().isEmpty() ? "" : " - " + o.message());
    }

    /** Points as child processes, at most {@code parallel} at once. */
    private static final class Children {
        private final SweepFolder folder;
        private final List<Point> points;
        private final int parallel;
        private final WorkerCommand command;
        private final boolean terminal;
        private final PrintStream notes;
        private final AtomicBoolean stopping = new AtomicBoolean();
        private final Map<Process, Point> running = new LinkedHashMap<>();
        private final Map<Integer, PointRunner.Outcome> outcomes = new TreeMap<>();
        private final Map<Process, Long> started = new LinkedHashMap<>();

        Children(
                SweepFolder folder,
                List<Point> points,
                int parallel,
                WorkerCommand command,
                boolean terminal,
                PrintStream notes) {
            this.folder = folder;
            this.points = points;
            this.parallel = parallel;
            this.command = command;
            this.terminal = terminal;
            this.notes = notes;
        }

        List<PointRunner.Outcome> run() throws IOException {
            Deque<Point> pending = new ArrayDeque<>();
            for (Point p : points) {
                if (completed(p)) {
                    outcomes.put(
                            p.index(),
                            new PointRunner.Outcome(
                                    p, folder.run(p.id()), RunState.COMPLETED, "skipped: completed before"));
                } else {
                    pending.add(p);
                }
            }
            notes.println(
                    "sweep " + folder.name() + ": " + pending.size() + " of " + points.size() + " points to train, "
                            + parallel + " at a time (logs: " + folder.root().resolve("logs") + ")");
            Thread hook = new Thread(this::stopAll, "vivarium-sweep-stop");
            Runtime.getRuntime().addShutdownHook(hook);
            try {
                long lastDraw = 0;
                while (!running.isEmpty() || (!pending.isEmpty() && !stopping.get())) {
                    synchronized (running) {
                        while (running.size() < parallel && !pending.isEmpty() && !stopping.get()) {
                            launch(pending.poll());
                        }
                    }
                    reap();
                    if (terminal && System.nanoTime() - lastDraw > 1_000_000_000L) {
                        draw(pending.size());
                        lastDraw = System.nanoTime();
                    }
                    sleep(100);
                }
            } finally {
                try {
                    Runtime.getRuntime().removeShutdownHook(hook);
                } catch (IllegalStateException shuttingDown) {
                    // the hook is stopping the points
                }
            }
            if (terminal) {
                notes.print("\r\033[K");
            }
            folder.writeIndex(points);
            List<PointRunner.Outcome> all = new ArrayList<>();
            for (Point p : points) {
                all.add(outcomes.getOrDefault(
                        p.index(),
                        new PointRunner.Outcome(
                                p, folder.run(p.id()), RunState.KILLED, "not started: the sweep was stopped")));
            }
            if (stopping.get()) {
                notes.println("sweep stopped; every point is resumable: vivarium sweep resume " + folder.root());
            }
            return all;
        }

        private boolean completed(Point p) {
            Path run = folder.run(p.id());
            try {
                return Files.isRegularFile(run.resolve("status.json"))
                        && RunDir.open(run).readStatus().state() == RunState.COMPLETED;
            } catch (IOException e) {
                return false;
            }
        }

        private void launch(Point p) throws IOException {
            ProcessBuilder b = new ProcessBuilder(command.argv(folder.root(), p.index()));
            b.environment()
                    .put(PARENT_ENV, Long.toString(ProcessHandle.current().pid()));
            b.redirectErrorStream(true);
            b.redirectOutput(ProcessBuilder.Redirect.appendTo(folder.log(p.id()).toFile()));
            Process child = b.start();
            running.put(child, p);
            started.put(child, System.nanoTime());
            if (!terminal) {
                notes.println("sweep point " + (p.index() + 1) + "/" + points.size() + " " + p.id() + " ("
                        + p.describe() + "): started, pid " + child.pid());
            }
        }

        private void reap() throws IOException {
            List<Process> done = new ArrayList<>();
            synchronized (running) {
                for (Process c : running.keySet()) {
                    if (!c.isAlive()) {
                        done.add(c);
                    }
                }
            }
            for (Process c : done) {
                Point p;
                synchronized (running) {
                    p = running.remove(c);
                }
                double seconds = (System.nanoTime() - started.remove(c)) / 1e9;
                PointRunner.Outcome o = outcomeOf(p, c.exitValue());
                outcomes.put(p.index(), o);
                folder.writeIndex(points);
                if (terminal) {
                    notes.print("\r\033[K");
                }
                notes.println(line(p, points.size(), o) + String.format(Locale.ROOT, " (%.0f s)", seconds));
            }
        }

        /** What a finished child left: its run's status; a child that died without writing one is FAILED. */
        private PointRunner.Outcome outcomeOf(Point p, int exit) {
            Path dir = folder.run(p.id());
            String why = "worker exited with status " + exit + lastLine(folder.log(p.id()));
            try {
                if (!Files.isRegularFile(dir.resolve("status.json"))) {
                    return new PointRunner.Outcome(p, dir, RunState.FAILED, why);
                }
                RunDir run = RunDir.open(dir);
                var status = run.readStatus();
                if (exit == Worker.BUSY) {
                    return new PointRunner.Outcome(p, dir, RunState.RUNNING, "skipped: another writer holds the run");
                }
                if (status.state() == RunState.RUNNING) {
                    // the child died without its final status (a crash, kill -9, the kernel's OOM killer)
                    try (RunLock lock = RunLock.acquire(dir)) {
                        boolean killed = exit == 137 || exit == 143;
                        RunState state = killed ? RunState.KILLED : RunState.FAILED;
                        status = run.updateStatus(s -> s.withState(state, Optional.of(why)));
                    }
                }
                return new PointRunner.Outcome(
                        p, dir, status.state(), status.message().orElse(""));
            } catch (IOException | RuntimeException e) {
                return new PointRunner.Outcome(p, dir, RunState.FAILED, why + "; " + e.getMessage());
            }
        }

        private static String lastLine(Path log) {
            try {
                List<String> lines = Files.readAllLines(log);
                for (int i = lines.size() - 1; i >= 0; i--) {
                    String l = lines.get(i).strip();
                    if (!l.isEmpty()) {
                        return ": " + (l.length() > 300 ? l.substring(0, 300) + "..." : l);
                    }
                }
            } catch (IOException | RuntimeException e) {
                // no log to quote
            }
            return "";
        }

        /** One redrawn line: counts by state and each running point's step. */
        private void draw(int pending) {
            Map<RunState, Integer> counts = new TreeMap<>();
            outcomes.values().forEach(o -> counts.merge(o.state(), 1, Integer::sum));
            StringBuilder b = new StringBuilder("\r\033[Ksweep " + folder.name() + ": ");
            b.append(counts.getOrDefault(RunState.COMPLETED, 0))
                    .append('/')
                    .append(points.size())
                    .append(" done");
            counts.forEach((s, n) -> {
                if (s != RunState.COMPLETED) {
                    b.append(", ").append(n).append(' ').append(s.toString().toLowerCase(Locale.ROOT));
                }
            });
            b.append(", ").append(pending).append(" waiting; running:");
            synchronized (running) {
                for (Point p : running.values()) {
                    b.append(' ').append(p.id(), 0, 6).append('@').append(step(p));
                }
            }
            notes.print(b);
            notes.flush();
        }

        private String step(Point p) {
            try {
                var s = RunDir.open(folder.run(p.id())).readStatus();
                return s.step() + "/" + s.totalSteps();
            } catch (IOException | RuntimeException e) {
                return "start";
            }
        }

        /** The shutdown hook: SIGTERM to every running point, then wait for each to write its checkpoint. */
        private void stopAll() {
            stopping.set(true);
            List<Process> children;
            synchronized (running) {
                children = List.copyOf(running.keySet());
            }
            children.forEach(Process::destroy);
            long deadline = System.nanoTime() + Duration.ofSeconds(28).toNanos();
            for (Process c : children) {
                try {
                    c.waitFor(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
            try {
                folder.writeIndex(points);
            } catch (IOException e) {
                // the index is rebuilt from the run directories on the next pass
            }
        }

        private static void sleep(long ms) {
            try {
                Thread.sleep(ms);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}

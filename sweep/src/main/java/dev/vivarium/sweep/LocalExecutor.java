package dev.vivarium.sweep;

import dev.vivarium.core.recipe.Recipe;
import dev.vivarium.core.run.PopulationRun;
import dev.vivarium.core.train.TrainListener;
import dev.vivarium.store.io.Problems;
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
 * <p>Points that differ only in seed, learning rate, weight decay, warm-up, stopping accuracy and task values
 * that keep the shapes (a data fraction) train together as one population, one batched computation
 * ({@link PopulationRun}, grouped by {@link Batches}: at most {@link Batches#CAP} points, and as many as fit the
 * memory), unless {@link Options#batch} is off ({@code --no-batch}). Each member writes its point's own run
 * directory, so a batched point is an ordinary run too, its results those of the point trained alone to about
 * 1e-5. New points start together; points killed in the middle of a population resume together from their
 * checkpoints. The populations train first, one after another in this process, each with the engine threads of
 * every point it stands in for: its members' threads times the points that would otherwise run at once as child
 * processes ({@code parallel}), at most the cores (with one point at a time, its members' own threads); so a
 * population never shares the cores with a worker, and its runs record the threads they trained with. A
 * population that throws as a whole (the disk, a batch size larger than a member's training set) is said in the
 * notes and its points are trained one at a time in this process instead; a member that diverges is FAILED
 * alone, as a single run would be. The points left, alone in their group or of a kind that trains only alone
 * (fine-tunes, REINFORCE, PGD, induction), then train as below.
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
     * @param batch train the points that can be one computation as populations ({@code --no-batch}: false)
     */
    public record Options(int parallel, Optional<WorkerCommand> worker, boolean terminal, boolean batch) {
        public Options {
            if (parallel < 0) {
                throw new IllegalArgumentException("--parallel " + parallel + ": must be at least 1 (or 0: automatic)");
            }
        }

        /** Points batched into populations where they can be. */
        public Options(int parallel, Optional<WorkerCommand> worker, boolean terminal) {
            this(parallel, worker, terminal, true);
        }

        /** One point (or one population) after another in this process. */
        public static Options inProcess() {
            return new Options(1, Optional.empty(), false);
        }

        /** These options with batching on or off. */
        public Options withBatch(boolean batch) {
            return new Options(parallel, worker, terminal, batch);
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
        boolean children = parallel > 1 && options.worker().isPresent();
        Map<Integer, PointRunner.Outcome> outcomes = new TreeMap<>();
        List<Point> rest = points;
        boolean stopped = false;
        if (options.batch()) {
            Batches.Plan plan = Batches.plan(folder, points, Batches.CAP);
            if (!plan.batches().isEmpty()) {
                notes.println("sweep " + folder.name() + ": " + plan.batches().size() + " population(s) of "
                        + plan.batches().stream()
                                .mapToInt(b -> b.points().size())
                                .sum()
                        + " points, one batched computation each, then "
                        + plan.alone().size()
                        + " point(s) alone (--no-batch: every point alone)");
            }
            int cores = Runtime.getRuntime().availableProcessors();
            for (Batches.Batch b : plan.batches()) {
                int memberThreads = b.points().get(0).recipe().threads();
                int threads = children ? Math.min(cores, memberThreads * parallel) : memberThreads;
                for (PointRunner.Outcome o : population(folder, points, b, threads, listeners, notes)) {
                    outcomes.put(o.point().index(), o);
                    stopped |= o.state() == RunState.KILLED;
                }
                folder.writeIndex(points);
                if (stopped) {
                    notes.println("sweep stopped in a population; run the same command again to continue");
                    break;
                }
            }
            rest = plan.alone();
        }
        if (!stopped && !rest.isEmpty()) {
            List<PointRunner.Outcome> alone = children
                    ? new Children(
                                    folder,
                                    points,
                                    rest,
                                    parallel,
                                    options.worker().get(),
                                    options.terminal(),
                                    notes)
                            .run()
                    : inProcess(folder, points, rest, listeners, notes);
            alone.forEach(o -> outcomes.put(o.point().index(), o));
        }
        folder.writeIndex(points);
        List<PointRunner.Outcome> all = new ArrayList<>();
        for (Point p : points) {
            all.add(outcomes.getOrDefault(
                    p.index(),
                    new PointRunner.Outcome(
                            p, folder.run(p.id()), RunState.KILLED, "not started: the sweep was stopped")));
        }
        return all;
    }

    /**
     * One batch as one population in this process, started (its new points with {@code threads} engine threads)
     * or resumed; a population that throws as a whole is said, and its points trained one at a time instead.
     */
    private static List<PointRunner.Outcome> population(
            SweepFolder folder,
            List<Point> all,
            Batches.Batch batch,
            int threads,
            Supplier<List<TrainListener>> listeners,
            PrintStream notes)
            throws IOException {
        List<Point> points = batch.resume()
                ? batch.points()
                : batch.points().stream().map(p -> withThreads(p, threads)).toList();
        List<Path> dirs = points.stream().map(p -> folder.run(p.id())).toList();
        notes.println((batch.resume()
                        ? "resuming " + points.size() + " killed points together"
                        : "batching " + points.size() + " points")
                + " into one population (" + batch.differing() + ")"
                + (batch.resume() ? "" : ", " + threads + " engine thread(s)")
                + "; its members' steps: vivarium sweep status " + folder.root());
        try {
            if (batch.resume()) {
                PopulationRun.resume(dirs, notes);
            } else {
                List<PopulationRun.Member> members = new ArrayList<>();
                for (int i = 0; i < points.size(); i++) {
                    PointRunner.clearUnstarted(dirs.get(i));
                    members.add(new PopulationRun.Member(points.get(i).recipe(), dirs.get(i)));
                }
                PopulationRun.start(members, notes);
            }
        } catch (IOException | RuntimeException e) {
            notes.println("the population of " + points.size() + " points failed as a whole (" + Problems.oneLine(e)
                    + "); training them one at a time instead");
            return inProcess(folder, all, points, listeners, notes);
        }
        List<PointRunner.Outcome> outcomes = new ArrayList<>();
        for (int i = 0; i < points.size(); i++) {
            PointRunner.Outcome o;
            try {
                o = PointRunner.outcome(points.get(i), dirs.get(i));
            } catch (IOException | RuntimeException e) {
                o = new PointRunner.Outcome(points.get(i), dirs.get(i), RunState.FAILED, Problems.oneLine(e));
            }
            outcomes.add(o);
            notes.println(line(o.point(), all.size(), o));
        }
        return outcomes;
    }

    /** {@code todo}, one after another in this process, until one is stopped by a signal; {@code all} indexed. */
    private static List<PointRunner.Outcome> inProcess(
            SweepFolder folder,
            List<Point> all,
            List<Point> todo,
            Supplier<List<TrainListener>> listeners,
            PrintStream notes)
            throws IOException {
        List<PointRunner.Outcome> outcomes = new ArrayList<>();
        for (Point p : todo) {
            PointRunner.Outcome o = PointRunner.run(p, folder, listeners.get(), notes);
            outcomes.add(o);
            folder.writeIndex(all);
            notes.println(line(p, all.size(), o));
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
        private final List<Point> all;
        private final List<Point> points;
        private final int parallel;
        private final WorkerCommand command;
        private final boolean terminal;
        private final PrintStream notes;
        private final AtomicBoolean stopping = new AtomicBoolean();
        private final Map<Process, Point> running = new LinkedHashMap<>();
        private final Map<Integer, PointRunner.Outcome> outcomes = new TreeMap<>();
        private final Map<Process, Long> started = new LinkedHashMap<>();

        /** {@code points} of the sweep's points {@code all} (which the index lists and the notes count). */
        Children(
                SweepFolder folder,
                List<Point> all,
                List<Point> points,
                int parallel,
                WorkerCommand command,
                boolean terminal,
                PrintStream notes) {
            this.folder = folder;
            this.all = all;
            this.points = points;
            this.parallel = parallel;
            this.command = command;
            this.terminal = terminal;
            this.notes = notes;
        }

        /** The outcomes of the points trained or skipped; none for a point not started before a stop. */
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
            notes.println("sweep " + folder.name() + ": " + pending.size() + " of " + all.size() + " points to train, "
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
            folder.writeIndex(all);
            if (stopping.get()) {
                notes.println("sweep stopped; every point is resumable: vivarium sweep resume " + folder.root());
            }
            return List.copyOf(outcomes.values()); // a point not started has none
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
                notes.println("sweep point " + (p.index() + 1) + "/" + all.size() + " " + p.id() + " (" + p.describe()
                        + "): started, pid " + child.pid());
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
                folder.writeIndex(all);
                if (terminal) {
                    notes.print("\r\033[K");
                }
                notes.println(line(p, all.size(), o) + String.format(Locale.ROOT, " (%.0f s)", seconds));
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
                folder.writeIndex(all);
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

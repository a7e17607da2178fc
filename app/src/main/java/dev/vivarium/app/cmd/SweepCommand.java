package dev.vivarium.app.cmd;

import dev.vivarium.app.progress.Progress;
import dev.vivarium.app.report.PhaseDiagram;
import dev.vivarium.core.train.TrainListener;
import dev.vivarium.store.io.AtomicFiles;
import dev.vivarium.store.run.RunState;
import dev.vivarium.sweep.LocalExecutor;
import dev.vivarium.sweep.Point;
import dev.vivarium.sweep.PointRunner;
import dev.vivarium.sweep.SlurmExecutor;
import dev.vivarium.sweep.SlurmQueue;
import dev.vivarium.sweep.Sweep;
import dev.vivarium.sweep.SweepFolder;
import dev.vivarium.sweep.SweepReport;
import dev.vivarium.sweep.Worker;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code vivarium sweep SPEC}: trains every point of a sweep spec that has not completed, one after another,
 * each as an ordinary run under {@code SWEEPS/<name>/runs/<id>/}; {@code --dry-run} only lists the points.
 */
@Command(
        name = "sweep",
        mixinStandardHelpOptions = true,
        subcommands = {
            SweepCommand.Status.class,
            SweepCommand.Table.class,
            SweepCommand.Resume.class,
            SweepCommand.Phase.class,
            SweepCommand.WorkerCommand.class
        },
        description = "Train a sweep's points that have not completed (each an ordinary run under"
                + " SWEEPS/<spec name>/runs/<point id>); again, it skips completed points and resumes killed ones."
                + " With --dry-run, print one line per point: id, overrides.")
public final class SweepCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(
            index = "0",
            arity = "0..1",
            paramLabel = "SPEC",
            description = "Sweep spec YAML file naming a recipe and its axes, e.g. recipes/sweeps/grokking-phase.yaml.")
    Path file;

    @Option(
            names = "--dry-run",
            description = "List the points (id and overrides) after validating every one; train nothing.")
    boolean dryRun;

    @picocli.CommandLine.Mixin
    SweepsRoot sweeps;

    @Option(
            names = "--parallel",
            paramLabel = "N",
            description = "Points trained at once, each in its own process with max(1, cores / N) engine threads"
                    + " (default: cores / the recipe's threads, so 1 for a 2-thread recipe on 2 cores). Points batched"
                    + " into a population train first, in this process, with the threads of the N points at once.")
    int parallel;

    @Mixin
    SlurmFlags slurm;

    @Mixin
    NoBatch noBatch;

    @Override
    public Integer call() throws java.io.IOException {
        PrintWriter out = spec.commandLine().getOut();
        if (file == null) {
            throw new IllegalArgumentException("give a sweep SPEC file (or: vivarium sweep status|table SWEEP_DIR)");
        }
        if (!dryRun) {
            return train(out);
        }
        for (Point p : Sweep.points(file)) {
            out.println(p.id() + "  " + p.describe());
        }
        out.flush();
        return 0;
    }

    private int train(PrintWriter out) throws java.io.IOException {
        Path root = sweeps.dir();
        if (slurm.slurm()) {
            SlurmExecutor.submit(file, root, slurm.options(), SweepCommand::workerPrefix, System.err);
            return 0;
        }
        var outcomes = LocalExecutor.run(file, root, options(parallel, noBatch), SweepCommand::listeners, System.err);
        return report(spec, out, LocalExecutor.sweepDir(file, root), outcomes);
    }

    static LocalExecutor.Options options(int parallel, NoBatch noBatch) {
        return new LocalExecutor.Options(
                parallel, Optional.of(SweepCommand::workerArgv), System.console() != null, noBatch.batch());
    }

    static List<TrainListener> listeners() {
        return List.of(Progress.forConsole(System.out));
    }

    /** This JVM's way of running {@code vivarium sweep worker DIR --index I}: the same java, options, classpath. */
    static List<String> workerArgv(Path sweepDir, int index) {
        List<String> argv = new ArrayList<>(workerPrefix(sweepDir));
        argv.addAll(List.of("--index", Integer.toString(index)));
        return argv;
    }

    /** {@link #workerArgv} without the {@code --index I}, which a Slurm array task appends from its task id. */
    static List<String> workerPrefix(Path sweepDir) {
        List<String> argv = new ArrayList<>();
        argv.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        argv.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
        argv.add("-cp");
        argv.add(System.getProperty("java.class.path"));
        argv.add(dev.vivarium.app.Vivarium.class.getName());
        argv.addAll(List.of("sweep", "worker", sweepDir.toString()));
        return argv;
    }

    /** Counts by state, and exit status 1 naming the index when any point did not complete. */
    static int report(CommandSpec spec, PrintWriter out, Path dir, List<PointRunner.Outcome> outcomes) {
        Map<RunState, Long> counts = new EnumMap<>(RunState.class);
        outcomes.forEach(o -> counts.merge(o.state(), 1L, Long::sum));
        out.println("sweep " + dir + ": " + counts + " of " + outcomes.size() + " points reached (index: "
                + SweepFolder.INDEX + ")");
        out.flush();
        long notDone =
                outcomes.stream().filter(o -> o.state() != RunState.COMPLETED).count();
        if (notDone > 0) {
            spec.commandLine()
                    .getErr()
                    .println("error: " + notDone + " of " + outcomes.size()
                            + " points did not complete; their reasons are in " + dir.resolve(SweepFolder.INDEX)
                            + " and above (continue with: vivarium sweep resume " + dir + ")");
            return 1;
        }
        return 0;
    }

    /** {@code vivarium sweep phase DIR}: the grokking phase diagram of a sweep's points. */
    @Command(
            name = "phase",
            mixinStandardHelpOptions = true,
            description = "Detect memorisation and grokking in every point (the laws detector's definitions, printed)"
                    + " and write SWEEP_DIR/phase.csv (one row a point) and SWEEP_DIR/phase.png (median grokking"
                    + " step over seeds per cell of two axes, never-grokked hatched); print the cells as a table.")
    static final class Phase implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(
                index = "0",
                paramLabel = "SWEEP_DIR",
                description = "The sweep's folder, e.g. sweeps/grokking-phase.")
        Path dir;

        @Option(
                names = "--x",
                paramLabel = "KEY",
                description = "The axis across (default: the later of the sweep's two axes besides seed).")
        String x;

        @Option(
                names = "--y",
                paramLabel = "KEY",
                description = "The axis down (default: the earlier of the sweep's two axes besides seed).")
        String y;

        @Override
        public Integer call() throws java.io.IOException {
            PrintWriter out = spec.commandLine().getOut();
            PhaseDiagram.Diagram d = PhaseDiagram.of(dir, x, y);
            AtomicFiles.writeString(dir.resolve("phase.csv"), PhaseDiagram.csv(d));
            PhaseDiagram.writePng(dir.resolve("phase.png"), d, "grokking phase diagram: " + dir.getFileName());
            out.println(dev.vivarium.numeric.event.Memorisation.DEFAULT.definition());
            out.println(dev.vivarium.laws.detect.GrokkingPhase.DEFAULT.definition());
            out.println("a cell's step is the median over its points of where the final descent begins (GROKKED or"
                    + " GENERALISED_WITHOUT_DELAY), a point without that descent counting as later"
                    + " than any step");
            out.print(PhaseDiagram.table(d));
            long notDone = d.points().stream()
                    .filter(p -> !p.row().state().equals("COMPLETED"))
                    .count();
            if (notDone > 0) {
                out.println(notDone + " of " + d.points().size() + " points have not completed and are left out");
            }
            out.println("wrote " + dir.resolve("phase.csv") + " and " + dir.resolve("phase.png"));
            out.flush();
            return 0;
        }
    }

    /** {@code vivarium sweep resume DIR}: every point of the folder that has not completed, as planned. */
    @Command(
            name = "resume",
            mixinStandardHelpOptions = true,
            description = "Continue a sweep folder's points that have not completed, from their newest checkpoints,"
                    + " as the folder's index and recipes planned them (the spec is not read again).")
    static final class Resume implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(
                index = "0",
                paramLabel = "SWEEP_DIR",
                description = "The sweep's folder, e.g. sweeps/grokking-phase.")
        Path dir;

        @Option(
                names = "--parallel",
                paramLabel = "N",
                description = "Points trained at once (default: cores / the recipes' threads). A point already"
                        + " started keeps the threads it was started with.")
        int parallel;

        @Mixin
        SlurmFlags slurm;

        @Mixin
        NoBatch noBatch;

        @Override
        public Integer call() throws java.io.IOException {
            if (slurm.slurm()) {
                SlurmExecutor.resume(dir, slurm.options(), SweepCommand::workerPrefix, System.err);
                return 0;
            }
            var outcomes = LocalExecutor.resume(dir, options(parallel, noBatch), SweepCommand::listeners, System.err);
            return report(spec, spec.commandLine().getOut(), dir, outcomes);
        }
    }

    /** {@code vivarium sweep worker DIR --index I}: one point, in this process (a child or a Slurm task). */
    @Command(
            name = "worker",
            mixinStandardHelpOptions = true,
            description = "Train point I of a sweep folder in this process, starting it or resuming it from its"
                    + " newest checkpoint (what the local executor's children and Slurm array tasks run). Exit"
                    + " status 0 completed, 1 failed, 3 stopped by a signal (resumable), 4 another writer holds it.")
    static final class WorkerCommand implements Callable<Integer> {
        @Parameters(
                index = "0",
                paramLabel = "SWEEP_DIR",
                description = "The sweep's folder, e.g. sweeps/grokking-phase.")
        Path dir;

        @Option(
                names = "--index",
                required = true,
                paramLabel = "I",
                description = "The point's index: line I + 1 of the folder's points.tsv ($SLURM_ARRAY_TASK_ID).")
        int index;

        @Override
        public Integer call() throws java.io.IOException {
            PointRunner.Outcome o = Worker.run(dir, index, List.of(Progress.forConsole(System.out)), System.err);
            return Worker.exitStatus(o);
        }
    }

    /** {@code vivarium sweep status DIR}: every point's state, step and overrides, and the counts by state. */
    @Command(
            name = "status",
            mixinStandardHelpOptions = true,
            description = "Show a sweep folder's points: state (a dead RUNNING run is KILLED), step, overrides;"
                    + " and how many points are in each state. For a sweep submitted to Slurm, also each array"
                    + " task's state from squeue (a cancelled or preempted task never shows RUNNING).")
    static final class Status implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(
                index = "0",
                paramLabel = "SWEEP_DIR",
                description = "The sweep's folder, e.g. sweeps/grokking-phase.")
        Path dir;

        @Option(
                names = "--metric",
                paramLabel = "M",
                description = "A metric to show per point, its last logged value (repeatable), e.g. --metric test_acc.")
        List<String> metrics = new ArrayList<>();

        @Override
        public Integer call() throws java.io.IOException {
            PrintWriter out = spec.commandLine().getOut();
            Map<Integer, SlurmQueue.Task> tasks = SlurmQueue.tasks(dir);
            List<SweepReport.Row> rows = SweepReport.rows(dir, tasks);
            Map<String, Long> counts = new java.util.TreeMap<>();
            for (SweepReport.Row r : rows) {
                counts.merge(r.state(), 1L, Long::sum);
                StringBuilder values = new StringBuilder();
                for (String m : metrics) {
                    var v = SweepReport.metric(r, m, SweepReport.Reduce.FINAL);
                    values.append(String.format(
                            java.util.Locale.ROOT,
                            "%s %-10s  ",
                            m,
                            v.isPresent() ? String.format(java.util.Locale.ROOT, "%.4g", v.getAsDouble()) : "-"));
                }
                out.printf(
                        java.util.Locale.ROOT,
                        tasks.isEmpty()
                                ? "%s  %-11s%s  step %-7s  %s%s%n"
                                : "%s  %-11s  slurm %-11s  step %-7s  %s%s%n",
                        r.id(),
                        r.state(),
                        tasks.isEmpty() ? "" : r.slurm(),
                        r.step() < 0 ? "-" : Long.toString(r.step()),
                        values,
                        r.overrides().isEmpty()
                                ? "(the recipe as written)"
                                : r.overrides().entrySet().stream()
                                        .map(e -> e.getKey() + "=" + e.getValue())
                                        .collect(java.util.stream.Collectors.joining(" ")));
            }
            out.println(rows.size() + " points: " + counts);
            out.flush();
            return 0;
        }
    }

    /** {@code vivarium sweep table DIR --metric M --reduce final|min|max}: one CSV row per point. */
    @Command(
            name = "table",
            mixinStandardHelpOptions = true,
            description = "Print a CSV with one row per point: id, state, one column per sweep axis, and the metric"
                    + " reduced over the point's logged rows.")
    static final class Table implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(
                index = "0",
                paramLabel = "SWEEP_DIR",
                description = "The sweep's folder, e.g. sweeps/grokking-phase.")
        Path dir;

        @Option(
                names = "--metric",
                required = true,
                description = "Metric column of the runs' metric logs, e.g. test_acc.")
        String metric;

        @Option(
                names = "--reduce",
                defaultValue = "final",
                description = "final, min or max over the logged rows. Default: ${DEFAULT-VALUE}.")
        String reduce;

        @Override
        public Integer call() throws java.io.IOException {
            SweepReport.Reduce r;
            try {
                r = SweepReport.Reduce.valueOf(reduce.toUpperCase(java.util.Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--reduce " + reduce + ": must be final, min or max");
            }
            PrintWriter out = spec.commandLine().getOut();
            out.print(SweepReport.csv(SweepReport.rows(dir), metric, r));
            out.flush();
            return 0;
        }
    }
}

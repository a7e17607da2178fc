package dev.vivarium.app.cmd;

import dev.vivarium.app.progress.Progress;
import dev.vivarium.core.train.TrainListener;
import dev.vivarium.store.run.RunState;
import dev.vivarium.sweep.LocalExecutor;
import dev.vivarium.sweep.Point;
import dev.vivarium.sweep.Sweep;
import dev.vivarium.sweep.SweepReport;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
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
        subcommands = {SweepCommand.Status.class, SweepCommand.Table.class},
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

    @Option(
            names = "--sweeps",
            paramLabel = "DIR",
            description = "Directory holding sweep folders (default: $VIVARIUM_SWEEPS or ./sweeps).")
    Path sweeps;

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
        String env = System.getenv("VIVARIUM_SWEEPS");
        Path root = sweeps != null ? sweeps : Path.of(env != null && !env.isBlank() ? env : "sweeps");
        var outcomes = LocalExecutor.run(
                file, root, () -> List.<TrainListener>of(Progress.forConsole(System.out)), System.err);
        Map<RunState, Long> counts = new EnumMap<>(RunState.class);
        outcomes.forEach(o -> counts.merge(o.state(), 1L, Long::sum));
        out.println("sweep " + LocalExecutor.sweepDir(file, root) + ": " + counts + " of " + outcomes.size()
                + " points reached (index: " + LocalExecutor.INDEX + ")");
        out.flush();
        long notDone =
                outcomes.stream().filter(o -> o.state() != RunState.COMPLETED).count();
        if (notDone > 0) {
            spec.commandLine()
                    .getErr()
                    .println("error: " + notDone + " of " + outcomes.size()
                            + " points did not complete; their reasons are in "
                            + LocalExecutor.sweepDir(file, root).resolve(LocalExecutor.INDEX) + " and above");
            return 1;
        }
        return 0;
    }

    /** {@code vivarium sweep status DIR}: every point's state, step and overrides, and the counts by state. */
    @Command(
            name = "status",
            mixinStandardHelpOptions = true,
            description = "Show a sweep folder's points: state (a dead RUNNING run is KILLED), step, overrides;"
                    + " and how many points are in each state.")
    static final class Status implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(
                index = "0",
                paramLabel = "SWEEP_DIR",
                description = "The sweep's folder, e.g. sweeps/grokking-phase.")
        Path dir;

        @Override
        public Integer call() throws java.io.IOException {
            PrintWriter out = spec.commandLine().getOut();
            List<SweepReport.Row> rows = SweepReport.rows(dir);
            Map<String, Long> counts = new java.util.TreeMap<>();
            for (SweepReport.Row r : rows) {
                counts.merge(r.state(), 1L, Long::sum);
                out.printf(
                        java.util.Locale.ROOT,
                        "%s  %-11s  step %-7s  %s%n",
                        r.id(),
                        r.state(),
                        r.step() < 0 ? "-" : Long.toString(r.step()),
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

package dev.vivarium.app.cmd;

import dev.vivarium.app.progress.Progress;
import dev.vivarium.core.train.TrainListener;
import dev.vivarium.store.run.RunState;
import dev.vivarium.sweep.LocalExecutor;
import dev.vivarium.sweep.Point;
import dev.vivarium.sweep.Sweep;
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
        description = "Train a sweep's points that have not completed (each an ordinary run under"
                + " SWEEPS/<spec name>/runs/<point id>); again, it skips completed points and resumes killed ones."
                + " With --dry-run, print one line per point: id, overrides.")
public final class SweepCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(
            index = "0",
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
}

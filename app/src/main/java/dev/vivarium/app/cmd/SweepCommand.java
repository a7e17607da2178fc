package dev.vivarium.app.cmd;

import dev.vivarium.sweep.Point;
import dev.vivarium.sweep.Sweep;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code vivarium sweep SPEC --dry-run}: every point of a sweep spec, validated, one line each (id, overrides). */
@Command(
        name = "sweep",
        mixinStandardHelpOptions = true,
        description = "Expand and validate a sweep spec; with --dry-run, print one line per point: id, overrides.")
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

    @Override
    public Integer call() {
        if (!dryRun) {
            throw new IllegalArgumentException(
                    file + ": training a sweep is not available yet; use --dry-run to list and validate its points");
        }
        PrintWriter out = spec.commandLine().getOut();
        for (Point p : Sweep.points(file)) {
            out.println(p.id() + "  " + p.describe());
        }
        out.flush();
        return 0;
    }
}

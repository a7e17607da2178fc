package dev.vivarium.sweep;

import dev.vivarium.core.run.Experiment;
import dev.vivarium.core.train.TrainListener;
import dev.vivarium.store.io.AtomicFiles;
import dev.vivarium.store.io.Problems;
import dev.vivarium.store.run.RunDir;
import dev.vivarium.store.run.RunLockedException;
import dev.vivarium.store.run.RunState;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Trains a sweep's points one after another in this process, each as an ordinary run directory
 * {@code SWEEPS/<name>/runs/<point id>/}, so that {@code runs}, {@code show}, {@code lens} and {@code detect}
 * all work on a point. The run directories are the truth: running the sweep again skips the points that have
 * COMPLETED, resumes the ones that were killed, retries the ones that failed, and trains only the new points
 * of a grown spec. One point's failure (a recipe that cannot fit, a diverging loss, a full disk) is recorded
 * and the others go on; a point stopped by a signal stops the sweep, which the next run continues.
 * {@code SWEEPS/<name>/points.tsv} is an index rebuilt from the run directories after every point.
 */
public final class LocalExecutor {
    /** The spec as last run, beside its runs. */
    public static final String SPEC_COPY = "sweep.yaml";

    /** The index: one line per point (id, state, run directory, overrides). */
    public static final String INDEX = "points.tsv";

    private LocalExecutor() {}

    /**
     * What became of one point.
     *
     * @param point the point
     * @param run its run directory (it may not exist when the point failed before it was made)
     * @param state its run's state after this sweep's pass
     * @param message why it failed or stopped, or what was done ("skipped: completed before")
     */
    public record Outcome(Point point, Path run, RunState state, String message) {}

    /** The folder of the sweep named by {@code specFile}'s name, under {@code sweepsRoot}. */
    public static Path sweepDir(Path specFile, Path sweepsRoot) {
        String name = specFile.getFileName().toString().replaceFirst("\\.ya?ml$", "");
        return sweepsRoot.resolve(name);
    }

    /**
     * Trains every point of the spec that has not completed.
     *
     * @param listeners made afresh for each point (progress bars, analyses)
     * @param notes where each point's start and end are said
     */
    public static List<Outcome> run(
            Path specFile, Path sweepsRoot, Supplier<List<TrainListener>> listeners, PrintStream notes)
            throws IOException {
        List<Point> points = Sweep.points(specFile); // every point validated before anything trains
        Path dir = sweepDir(specFile, sweepsRoot);
        Path runs = dir.resolve("runs");
        Files.createDirectories(runs);
        AtomicFiles.writeString(dir.resolve(SPEC_COPY), Files.readString(specFile));
        List<Outcome> outcomes = new ArrayList<>();
        for (Point p : points) {
            Outcome o = runPoint(p, runs, listeners, notes);
            outcomes.add(o);
            writeIndex(dir, points);
            notes.println("sweep point " + (p.index() + 1) + "/" + points.size() + " " + p.id() + " (" + p.describe()
                    + "): " + o.state() + (o.message().isEmpty() ? "" : " - " + o.message()));
            if (o.state() == RunState.KILLED) {
                notes.println("sweep stopped at point " + p.id() + "; run the same command again to continue");
                break;
            }
        }
        return outcomes;
    }

    private static Outcome runPoint(Point p, Path runs, Supplier<List<TrainListener>> listeners, PrintStream notes) {
        Path dir = runs.resolve(p.id());
        try {
            if (Files.isRegularFile(dir.resolve("config.yaml"))) {
                RunState before = RunDir.open(dir).readStatus().state();
                if (before == RunState.COMPLETED) {
                    return new Outcome(p, dir, before, "skipped: completed before");
                }
                Experiment.resume(dir, listeners.get(), notes);
            } else {
                Experiment.start(p.recipe(), runs, Optional.of(p.id()), listeners.get(), notes);
            }
            RunDir run = RunDir.open(dir);
            var status = run.readStatus();
            return new Outcome(p, dir, status.state(), status.message().orElse(""));
        } catch (RunLockedException busy) {
            return new Outcome(p, dir, RunState.RUNNING, "skipped: " + busy.getMessage());
        } catch (IOException | RuntimeException e) {
            return new Outcome(p, dir, RunState.FAILED, Problems.oneLine(e));
        }
    }

    /** Rewrites the index from the run directories (the truth): id, state, run directory, overrides. */
    static void writeIndex(Path dir, List<Point> points) throws IOException {
        StringBuilder b = new StringBuilder("id\tstate\trun\toverrides\n");
        for (Point p : points) {
            Path run = dir.resolve("runs").resolve(p.id());
            String state;
            try {
                state = Files.isRegularFile(run.resolve("status.json"))
                        ? RunDir.open(run)
                                .effectiveStatus(java.time.Duration.ofSeconds(30))
                                .state()
                                .toString()
                        : "NOT_STARTED";
            } catch (IOException e) {
                state = "BROKEN";
            }
            b.append(p.id())
                    .append('\t')
                    .append(state)
                    .append('\t')
                    .append("runs/")
                    .append(p.id())
                    .append('\t')
                    .append(p.describe())
                    .append('\n');
        }
        AtomicFiles.writeString(dir.resolve(INDEX), b.toString());
    }
}

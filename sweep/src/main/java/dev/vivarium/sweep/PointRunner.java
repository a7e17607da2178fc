package dev.vivarium.sweep;

import dev.vivarium.core.run.Experiment;
import dev.vivarium.core.train.TrainListener;
import dev.vivarium.store.io.Problems;
import dev.vivarium.store.run.RunDir;
import dev.vivarium.store.run.RunLock;
import dev.vivarium.store.run.RunLockedException;
import dev.vivarium.store.run.RunState;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Trains one point to the end in this process: a new run from the point's recipe, or the existing run resumed
 * from its newest usable checkpoint (under the config it recorded, threads included, so that the curve
 * continues bit for bit). The one path both the in-process executor and {@code sweep worker} take.
 */
public final class PointRunner {
    private PointRunner() {}

    /**
     * What became of one point.
     *
     * @param point the point
     * @param run its run directory (it may not exist when the point failed before it was made)
     * @param state its run's state after this pass
     * @param message why it failed or stopped, or what was done ("skipped: completed before")
     */
    public record Outcome(Point point, Path run, RunState state, String message) {}

    /** Trains {@code p} into {@code folder}'s {@code runs/<id>/}, or says why not. Never throws. */
    public static Outcome run(Point p, SweepFolder folder, List<TrainListener> listeners, PrintStream notes) {
        Path dir = folder.run(p.id());
        try {
            if (Files.isRegularFile(dir.resolve("config.yaml"))) {
                RunState before = RunDir.open(dir).readStatus().state();
                if (before == RunState.COMPLETED) {
                    return new Outcome(p, dir, before, "skipped: completed before");
                }
                Experiment.resume(dir, listeners, notes);
            } else {
                clearUnstarted(dir);
                Experiment.start(p.recipe(), folder.runs(), Optional.of(p.id()), listeners, notes);
            }
            return outcome(p, dir);
        } catch (RunLockedException busy) {
            return new Outcome(p, dir, RunState.RUNNING, "skipped: " + busy.getMessage());
        } catch (IOException | RuntimeException e) {
            return new Outcome(p, dir, RunState.FAILED, Problems.oneLine(e));
        }
    }

    /** What {@code p}'s run in {@code dir} says of it now: its state and message. */
    static Outcome outcome(Point p, Path dir) throws IOException {
        var status = RunDir.open(dir).readStatus();
        return new Outcome(p, dir, status.state(), status.message().orElse(""));
    }

    /**
     * A run killed after its directory was made but before its config was written holds only empty
     * {@code checkpoints/} and {@code analyses/} folders and its lock file: remove them so the point starts
     * afresh. Anything else in such a directory is left alone (the start then refuses, naming it).
     */
    static void clearUnstarted(Path dir) throws IOException {
        if (!Files.isDirectory(dir) || !unstarted(dir)) {
            return;
        }
        try (Stream<Path> entries = Files.list(dir)) {
            for (Path e : entries.toList()) {
                Files.delete(e);
            }
        }
        Files.delete(dir);
    }

    /**
     * Whether a point may start afresh in {@code dir}: it does not exist, or holds only what a run killed before
     * writing its config leaves ({@link #clearUnstarted} removes that).
     */
    static boolean unstarted(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return true;
        }
        if (!Files.isDirectory(dir)) {
            return false;
        }
        try (Stream<Path> entries = Files.list(dir)) {
            for (Path e : entries.toList()) {
                String name = e.getFileName().toString();
                boolean emptyDir = Files.isDirectory(e) && isEmpty(e);
                if (!(name.equals(RunLock.FILE)
                        || ((name.equals("checkpoints") || name.equals("analyses")) && emptyDir))) {
                    return false;
                }
            }
        }
        return true;
    }

    private static boolean isEmpty(Path d) throws IOException {
        try (Stream<Path> s = Files.list(d)) {
            return s.findAny().isEmpty();
        }
    }
}

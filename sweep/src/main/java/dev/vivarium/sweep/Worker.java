package dev.vivarium.sweep;

import dev.vivarium.core.train.TrainListener;
import dev.vivarium.store.run.RunState;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code vivarium sweep worker SWEEP --index I}: trains point {@code I} of a prepared sweep folder in this
 * process, starting it or resuming it from its newest checkpoint, and exits. The local executor's child
 * processes and each task of a Slurm job array are workers; only the worker holding a run's lock writes it.
 */
public final class Worker {
    /** Exit status of a worker whose point completed. */
    public static final int COMPLETED = 0;

    /** Exit status of a worker whose point failed (its reason is in the run's status). */
    public static final int FAILED = 1;

    /** Exit status of a worker stopped by a signal with its point resumable (a checkpoint of its last step). */
    public static final int STOPPED = 3;

    /** Exit status of a worker that found its point's run locked by another writer. */
    public static final int BUSY = 4;

    private Worker() {}

    /** Trains point {@code index} of {@code sweepDir}; returns the outcome (never throws for a point's failure). */
    public static PointRunner.Outcome run(Path sweepDir, int index, List<TrainListener> listeners, PrintStream notes)
            throws IOException {
        SweepFolder folder = SweepFolder.at(sweepDir);
        Point p = folder.point(index);
        stopWithParent(notes);
        notes.println("sweep " + folder.name() + " point " + index + " " + p.id() + " (" + p.describe() + ")");
        PointRunner.Outcome o = PointRunner.run(p, folder, listeners, notes);
        notes.println("point " + p.id() + ": " + o.state() + (o.message().isEmpty() ? "" : " - " + o.message()));
        return o;
    }

    /**
     * A child of the local executor stops when the executor dies, even by kill -9: it exits as on SIGTERM (the
     * run writes a checkpoint of its last step and stops KILLED), so that no orphan holds a point's lock when
     * the sweep is resumed.
     */
    private static void stopWithParent(PrintStream notes) {
        String parent = System.getenv(LocalExecutor.PARENT_ENV);
        if (parent == null || !parent.matches("[0-9]{1,19}")) {
            return;
        }
        Runnable stop = () -> {
            notes.println("the sweep executor (pid " + parent + ") has gone: stopping this point, resumable");
            System.exit(STOPPED);
        };
        ProcessHandle.of(Long.parseLong(parent))
                .ifPresentOrElse(h -> h.onExit().thenRun(stop), () -> new Thread(stop).start());
    }

    /** The exit status for an outcome. */
    public static int exitStatus(PointRunner.Outcome o) {
        if (o.state() == RunState.COMPLETED) {
            return COMPLETED;
        }
        if (o.state() == RunState.KILLED) {
            return STOPPED;
        }
        return o.state() == RunState.RUNNING ? BUSY : FAILED;
    }
}

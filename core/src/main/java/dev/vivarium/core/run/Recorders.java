package dev.vivarium.core.run;

import dev.vivarium.core.train.TrainListener;
import dev.vivarium.core.train.Trainer;
import dev.vivarium.store.io.Problems;
import dev.vivarium.store.run.RunDir;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/** The listeners a run's writer needs besides the checkpoints: its metric rows and the heartbeat's step. */
final class Recorders {
    private Recorders() {}

    /** Appends every logged row to {@code metrics.jsonl}. */
    static TrainListener metrics(RunDir run) {
        return new TrainListener() {
            @Override
            public void onLog(Trainer trainer, long step, Map<String, Double> row) {
                try {
                    run.metrics().append(row);
                } catch (IOException e) {
                    throw new UncheckedIOException(new IOException(
                            "cannot append the row of step " + step + " to " + run.metricsFile() + ": "
                                    + Problems.oneLine(e),
                            e));
                }
            }
        };
    }

    /** Keeps {@code step} at the last step taken, for the heartbeat. */
    static TrainListener stepCounter(AtomicLong step) {
        return new TrainListener() {
            @Override
            public void onStep(Trainer trainer, long s) {
                step.set(s);
            }
        };
    }
}

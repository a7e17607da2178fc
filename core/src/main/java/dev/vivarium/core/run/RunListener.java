package dev.vivarium.core.run;

import dev.vivarium.core.train.TrainListener;
import dev.vivarium.store.run.RunDir;

/**
 * A training listener that needs the run it follows, e.g. to read the checkpoints just written or
 * to write its own outputs beside them. {@link Experiment} calls {@link #onRun} before training.
 */
public interface RunListener extends TrainListener {
    /** The run directory this listener's training writes to. */
    void onRun(RunDir run);
}

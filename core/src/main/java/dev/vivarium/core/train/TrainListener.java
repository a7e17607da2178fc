package dev.vivarium.core.train;

import java.util.Map;

/** Something that follows a training run: metric logs, checkpoints, progress bars, analyses. */
public interface TrainListener {
    /** Before the first update of this segment; {@code step} is the step training starts from. */
    default void onStart(Trainer trainer, long step) {}

    /** After update {@code step} (from 1) has been applied. */
    default void onStep(Trainer trainer, long step) {}

    /** A row of metrics, logged at {@code step}. */
    default void onLog(Trainer trainer, long step, Map<String, Double> metrics) {}

    /** After the last update; {@code step} is the final step. */
    default void onEnd(Trainer trainer, long step) {}
}

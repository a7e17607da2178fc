package dev.vivarium.core.train;

import java.nio.file.Path;
import java.util.Map;

/**
 * Something that follows a training run: metric logs, progress bars, analyses. Within a step the
 * {@link Trainer} calls them in a fixed order: {@link #onLog} (a logged step), {@link #onStep}, then
 * {@link #onCheckpoint} (a checkpoint step).
 */
public interface TrainListener {
    /** Before the first update of this segment; {@code step} is the step training starts from. */
    default void onStart(Trainer trainer, long step) {}

    /** After update {@code step} (from 1) has been applied and its row, if any, logged. */
    default void onStep(Trainer trainer, long step) {}

    /** A row of metrics, logged at {@code step}. */
    default void onLog(Trainer trainer, long step, Map<String, Double> metrics) {}

    /** The checkpoint of {@code step} is on disk; {@code weights} is its weights file. */
    default void onCheckpoint(Trainer trainer, long step, Path weights) {}

    /** After the last update and its checkpoint; {@code step} is the final step. */
    default void onEnd(Trainer trainer, long step) {}
}

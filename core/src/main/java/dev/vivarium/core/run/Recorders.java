package dev.vivarium.core.run;

import dev.vivarium.core.recipe.Recipe;
import dev.vivarium.core.train.TrainListener;
import dev.vivarium.core.train.Trainer;
import dev.vivarium.store.run.RunDir;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.Map;

/** The listeners that write a run to disk: its metric rows and its log-spaced checkpoints. */
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
                    throw new UncheckedIOException("cannot append to " + run.metricsFile(), e);
                }
            }
        };
    }

    /** Writes a checkpoint at step 0, at each log-spaced step, and at the last step. */
    static final class CheckpointWriter implements TrainListener {
        private final RunDir run;
        private final Recipe recipe;
        private final Map<String, String> provenance;
        private final long[] steps;
        private long lastWritten = -1;

        CheckpointWriter(RunDir run, Recipe recipe, Map<String, String> provenance) {
            this.run = run;
            this.recipe = recipe;
            this.provenance = provenance;
            this.steps = recipe.train().checkpointSteps();
        }

        @Override
        public void onStart(Trainer trainer, long step) {
            if (step == 0) {
                write(trainer, 0);
            }
        }

        @Override
        public void onStep(Trainer trainer, long step) {
            if (Arrays.binarySearch(steps, step) >= 0) {
                write(trainer, step);
            }
        }

        @Override
        public void onEnd(Trainer trainer, long step) {
            if (lastWritten != step) {
                write(trainer, step);
            }
        }

        private void write(Trainer trainer, long step) {
            try {
                Checkpoints.save(run, recipe, trainer.model(), trainer.optimizer(), step, provenance);
                lastWritten = step;
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write checkpoint of step " + step + " in " + run.root(), e);
            }
        }
    }
}

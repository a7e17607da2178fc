package dev.vivarium.lens.patch;

import ai.djl.ndarray.NDArray;
import dev.vivarium.lens.numeric.Tensors;
import java.util.function.ToDoubleFunction;

/**
 * The mean over examples of {@code logit[correct] - logit[wrong]} at one position, and its
 * normalised form {@code (d - d_corrupted) / (d_clean - d_corrupted)}: 0 on the corrupted run, 1
 * on the clean run.
 */
public final class LogitDiff {
    private LogitDiff() {}

    /**
     * @param position the position whose logits are read
     * @param correct per example, the answer of the clean input
     * @param wrong per example, the answer of the corrupted input
     */
    public static ToDoubleFunction<NDArray> raw(int position, long[] correct, long[] wrong) {
        return logits -> {
            long[] s = logits.getShape().getShape(); // [batch, pos, vocab]
            if (s[0] != correct.length || s[0] != wrong.length) {
                throw new IllegalArgumentException("batch of " + s[0] + " but " + correct.length + " correct and "
                        + wrong.length + " wrong answers");
            }
            double[] v = Tensors.doubles(logits.get(":, " + position + ", :"));
            int vocab = (int) s[2];
            double sum = 0;
            for (int b = 0; b < correct.length; b++) {
                sum += v[b * vocab + (int) correct[b]] - v[b * vocab + (int) wrong[b]];
            }
            return sum / correct.length;
        };
    }

    /** {@link #raw} rescaled so that the corrupted run scores 0 and the clean run 1. */
    public static ToDoubleFunction<NDArray> normalised(
            ToDoubleFunction<NDArray> raw, double cleanValue, double corruptedValue) {
        double span = cleanValue - corruptedValue;
        if (span == 0) {
            throw new IllegalArgumentException("clean and corrupted runs have the same logit difference " + cleanValue
                    + "; the normalised metric is undefined");
        }
        return logits -> (raw.applyAsDouble(logits) - corruptedValue) / span;
    }
}

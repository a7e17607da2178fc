package dev.vivarium.numeric.event;

import java.util.OptionalLong;

/**
 * Memorisation: the first logged step from which training accuracy stays at or above {@code threshold} to
 * the end of the series. Read from the metric log (every logged step), not from checkpoints, so that
 * {@code detect} and {@code lens progress} report the same step for the same run.
 *
 * @param threshold the training accuracy that counts as memorised, in (0, 1]
 */
public record Memorisation(double threshold) {

    /** Training accuracy of at least 99%, held to the end of the log. */
    public static final Memorisation DEFAULT = new Memorisation(0.99);

    public Memorisation {
        if (!(threshold > 0 && threshold <= 1)) {
            throw new IllegalArgumentException("memorisation threshold = " + threshold + ": must be in (0, 1]");
        }
    }

    /** The definition in words, with its threshold, for every output that reports the step. */
    public String definition() {
        return "memorisation: first logged step from which train accuracy stays >= " + threshold + " to the end";
    }

    /**
     * The memorisation step of a series.
     *
     * @param steps logged steps, strictly increasing
     * @param trainAccuracy training accuracy at each step (NaN never counts as reached)
     */
    public OptionalLong step(long[] steps, double[] trainAccuracy) {
        return Thresholds.firstStaysAtLeast(steps, trainAccuracy, threshold);
    }
}

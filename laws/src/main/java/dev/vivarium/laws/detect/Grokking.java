package dev.vivarium.laws.detect;

import dev.vivarium.numeric.event.Memorisation;
import java.util.OptionalDouble;

/**
 * Grokking read off accuracies: the training metric reaches the threshold and stays there (memorisation),
 * and only much later the test metric does too (generalisation). A step "stays" at the threshold when the
 * smoothed metric is at or above it from that step to the end of the series. With the default threshold and
 * no smoothing, memorisation is exactly {@link Memorisation#DEFAULT}, the definition {@code detect} and
 * {@code lens progress} share; {@link GrokkingPhase} reports grokking as a phase change of test loss.
 *
 * @param threshold the accuracy both metrics must reach, in (0, 1], e.g. 0.95
 * @param smoothing odd window of the centred running median applied first; 1 means none
 * @param minDelayRatio generalisation must come at least this many times later than memorisation (in steps)
 *     to count as grokking, {@code >= 1}
 */
public record Grokking(double threshold, int smoothing, double minDelayRatio) {

    /** Memorisation's threshold (0.99), no smoothing, generalisation at least twice as late as memorisation. */
    public static final Grokking DEFAULT = new Grokking(Memorisation.DEFAULT.threshold(), 1, 2.0);

    /** What the detector concluded. */
    public enum Verdict {
        /** Memorised, then generalised at least {@code minDelayRatio} times later. */
        GROKKED,
        /** Memorised and generalised, but with no marked delay between them. */
        GENERALISED_WITHOUT_DELAY,
        /** Memorised and never generalised within the series: did not grok. */
        DID_NOT_GROK,
        /** The training metric never stayed at the threshold. */
        DID_NOT_MEMORISE
    }

    /**
     * The detector's output.
     *
     * @param verdict the conclusion
     * @param memorisationStep first step from which the training metric stays at or above the threshold
     * @param generalisationStep first step from which the test metric stays at or above it (the grok step)
     * @param delay generalisation step minus memorisation step
     */
    public record Result(
            Verdict verdict,
            OptionalDouble memorisationStep,
            OptionalDouble generalisationStep,
            OptionalDouble delay) {}

    public Grokking {
        if (!(threshold > 0 && threshold <= 1)) {
            throw new IllegalArgumentException("threshold = " + threshold + ": must be in (0, 1]");
        }
        if (smoothing < 1 || smoothing % 2 == 0) {
            throw new IllegalArgumentException("smoothing = " + smoothing + ": must be odd and >= 1");
        }
        if (!(minDelayRatio >= 1)) {
            throw new IllegalArgumentException("minDelayRatio = " + minDelayRatio + ": must be >= 1");
        }
    }

    /** Detects grokking from the training and test accuracy series. */
    public Result detect(Series train, Series test) {
        OptionalDouble memorised = firstStaysAtLeast(train);
        OptionalDouble generalised = firstStaysAtLeast(test);
        if (memorised.isEmpty()) {
            return new Result(Verdict.DID_NOT_MEMORISE, memorised, generalised, OptionalDouble.empty());
        }
        if (generalised.isEmpty()) {
            return new Result(Verdict.DID_NOT_GROK, memorised, generalised, OptionalDouble.empty());
        }
        double mem = memorised.getAsDouble();
        double gen = generalised.getAsDouble();
        double delay = gen - mem;
        boolean late = delay > 0 && gen >= minDelayRatio * Math.max(mem, Double.MIN_NORMAL);
        return new Result(
                late ? Verdict.GROKKED : Verdict.GENERALISED_WITHOUT_DELAY,
                memorised,
                generalised,
                OptionalDouble.of(delay));
    }

    /** The first step from which the (smoothed) series stays at or above the threshold to its end. */
    public OptionalDouble firstStaysAtLeast(Series s) {
        double[] v = Robust.runningMedian(s.values(), smoothing);
        int i = v.length;
        while (i > 0 && v[i - 1] >= threshold) {
            i--;
        }
        return i == v.length ? OptionalDouble.empty() : OptionalDouble.of(s.x(i));
    }
}

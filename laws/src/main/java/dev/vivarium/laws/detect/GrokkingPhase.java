package dev.vivarium.laws.detect;

import dev.vivarium.numeric.event.Memorisation;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * Grokking as a phase change of test loss: after memorisation (the shared definition, {@link Memorisation}),
 * log test loss is cut into straight segments by {@link ChangePoints} over the logged steps from the
 * memorisation step on. A segment descends when the observed log test loss falls by more than the plateau
 * tolerance from the end of the segment before it to its own end (so that a drop between two logged steps
 * counts). The grokking step is where the descent the run ends with begins (after any final flat stretch):
 * the start of the earliest of the consecutive descending segments before it, if together they fall by at
 * least {@code minFall}. A grokking step at least {@code minDelayRatio} times the memorisation step is
 * {@link Grokking.Verdict#GROKKED}.
 *
 * @param memorisation the definition of memorisation
 * @param changePoints the segmentation of log test loss
 * @param minFall the least fall in log test loss (nats) that counts as the phase change, {@code > 0}
 * @param minDelayRatio the grokking step must be at least this many times the memorisation step, {@code >= 1}
 */
public record GrokkingPhase(
        Memorisation memorisation, ChangePoints changePoints, double minFall, double minDelayRatio) {

    /** Memorisation at 99% train accuracy, default change points, a fall of at least 1 nat, twice as late. */
    public static final GrokkingPhase DEFAULT = new GrokkingPhase(Memorisation.DEFAULT, ChangePoints.DEFAULT, 1.0, 2.0);

    public GrokkingPhase {
        if (!(minFall > 0)) {
            throw new IllegalArgumentException("minFall = " + minFall + ": must be > 0");
        }
        if (!(minDelayRatio >= 1)) {
            throw new IllegalArgumentException("minDelayRatio = " + minDelayRatio + ": must be >= 1");
        }
    }

    /**
     * The detector's output.
     *
     * @param verdict the conclusion
     * @param memorisationStep the memorisation step, if the run memorised
     * @param fall the segment where the final descent of test loss begins, if the descent falls by
     *     {@code minFall} or more
     * @param lossBefore the observed test loss the descent starts from (the end of the segment before it, or its
     *     own start)
     * @param note why no phase change could be looked for, if so (too few logged steps after memorisation)
     */
    public record Result(
            Grokking.Verdict verdict,
            OptionalDouble memorisationStep,
            Optional<ChangePoints.Segment> fall,
            double lossBefore,
            Optional<String> note) {

        /** The grokking step: where the falling segment begins. */
        public OptionalDouble grokStep() {
            return fall.isPresent() ? OptionalDouble.of(fall.get().fromStep()) : OptionalDouble.empty();
        }

        /** Grokking step minus memorisation step. */
        public OptionalDouble delay() {
            return fall.isPresent() && memorisationStep.isPresent()
                    ? OptionalDouble.of(fall.get().fromStep() - memorisationStep.getAsDouble())
                    : OptionalDouble.empty();
        }
    }

    /** The definition in words, with its thresholds, for every output that reports the step. */
    public String definition() {
        return String.format(
                Locale.ROOT,
                "grokking: where the final descent of log test loss begins (consecutive segments each falling"
                        + " > %.3g, together >= %.3g nats) in a change-point fit (penalty %.3g log n, segments of >= %d"
                        + " points) over the logged steps from memorisation on; GROKKED when it comes at >= %.3g x"
                        + " the memorisation step",
                changePoints.plateauDrop(),
                minFall,
                changePoints.penalty(),
                changePoints.minSegment(),
                minDelayRatio);
    }

    /** Detects the phase change from the training accuracy and test loss series. */
    public Result detect(Series trainAccuracy, Series testLoss) {
        long[] steps = new long[trainAccuracy.size()];
        for (int i = 0; i < steps.length; i++) {
            steps[i] = Math.round(trainAccuracy.x(i));
        }
        var mem = memorisation.step(steps, trainAccuracy.values());
        if (mem.isEmpty()) {
            return new Result(
                    Grokking.Verdict.DID_NOT_MEMORISE,
                    OptionalDouble.empty(),
                    Optional.empty(),
                    Double.NaN,
                    Optional.empty());
        }
        double m = mem.getAsLong();
        OptionalDouble memorised = OptionalDouble.of(m);
        int from = 0;
        while (from < testLoss.size() && testLoss.x(from) < m) {
            from++;
        }
        int n = testLoss.size() - from;
        if (n < 2 * changePoints.minSegment()) {
            String note = "only " + n + " logged test-loss steps from memorisation (step " + (long) m
                    + ") on; the change-point fit needs " + 2 * changePoints.minSegment();
            return new Result(
                    Grokking.Verdict.DID_NOT_GROK, memorised, Optional.empty(), Double.NaN, Optional.of(note));
        }
        double[] x = new double[n];
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = testLoss.x(from + i);
            v[i] = testLoss.value(from + i);
        }
        List<ChangePoints.Segment> segments =
                changePoints.thinned(new Series(testLoss.name(), x, v)).segments();
        // f[k]: how far log test loss falls from the end of segment k-1 (segment 0: its own start) to the end of k
        int k = segments.size() - 1;
        while (k >= 0 && fall(segments, k) <= changePoints.plateauDrop()) {
            k--; // the flat stretch the run ends on
        }
        int first = k;
        double total = 0;
        while (first >= 0 && fall(segments, first) > changePoints.plateauDrop()) {
            total += fall(segments, first);
            first--;
        }
        first++;
        if (k < 0 || !(total >= minFall)) {
            return new Result(Grokking.Verdict.DID_NOT_GROK, memorised, Optional.empty(), Double.NaN, Optional.empty());
        }
        ChangePoints.Segment best = segments.get(first);
        double bestBefore =
                first == 0 ? best.lossAtStart() : segments.get(first - 1).lossAtEnd();
        double step = best.fromStep();
        boolean late = step > m && step >= minDelayRatio * Math.max(m, Double.MIN_NORMAL);
        return new Result(
                late ? Grokking.Verdict.GROKKED : Grokking.Verdict.GENERALISED_WITHOUT_DELAY,
                memorised,
                Optional.of(best),
                bestBefore,
                Optional.empty());
    }

    /** The observed fall of log loss from the end of segment {@code k - 1} (or the start of 0) to the end of k. */
    private static double fall(List<ChangePoints.Segment> segments, int k) {
        double before =
                k == 0 ? segments.get(0).lossAtStart() : segments.get(k - 1).lossAtEnd();
        return Math.log(before) - Math.log(segments.get(k).lossAtEnd());
    }
}

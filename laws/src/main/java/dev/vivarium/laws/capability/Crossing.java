package dev.vivarium.laws.capability;

import dev.vivarium.laws.bootstrap.Bootstrap;
import dev.vivarium.laws.bootstrap.Interval;
import dev.vivarium.laws.bootstrap.Samples;

/**
 * Where a capability crosses a threshold, with a bootstrap interval. With {@code x} the natural log of
 * compute (or of model size), {@link #scale()} is the compute (or size) at which the threshold is reached;
 * with {@code x} a log-loss, it is the loss.
 *
 * @param threshold the capability threshold
 * @param x the crossing in x units
 * @param interval the bootstrap percentile interval of the crossing in x units
 * @param fit the sigmoid fitted to all points
 */
public record Crossing(double threshold, double x, Interval interval, Sigmoid fit) {

    /** {@code exp(x)}: the compute, size or loss at the crossing. */
    public double scale() {
        return Math.exp(x);
    }

    /** {@code exp} of the interval's ends. */
    public Interval scaleInterval() {
        return new Interval(Math.exp(interval.lo()), Math.exp(interval.hi()), interval.level());
    }

    /**
     * Fits the sigmoid and bootstraps the crossing of {@code threshold}.
     *
     * @param x log-loss or log-compute per run
     * @param y the capability per run (accuracy, exact match)
     */
    public static Crossing estimate(
            SigmoidFitter fitter, double[] x, double[] y, double threshold, double level, Bootstrap bootstrap) {
        Sigmoid fit = fitter.fit(x, y);
        double at = fit.crossing(threshold);
        double[][] rows = bootstrap.run(x.length, 1, (counts, random) -> {
            double c = fitter.refit(x, y, counts, fit).crossing(threshold);
            return Double.isFinite(c) ? new double[] {c} : null;
        });
        Interval interval = Samples.percentile(new Samples(rows).column(0), level);
        return new Crossing(threshold, at, interval, fit);
    }
}

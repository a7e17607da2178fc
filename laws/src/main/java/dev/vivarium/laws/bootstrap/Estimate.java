package dev.vivarium.laws.bootstrap;

/**
 * A point estimate with its bootstrap standard error and percentile interval.
 *
 * @param name what is estimated, e.g. {@code "alpha"}
 * @param value the estimate from the full data
 * @param se the bootstrap standard error (sample standard deviation of the refits)
 * @param interval the bootstrap percentile interval
 */
public record Estimate(String name, double value, double se, Interval interval) {
    @Override
    public String toString() {
        return String.format(
                "%s = %.6g (SE %.3g, %.0f%% CI %.6g to %.6g)",
                name, value, se, 100 * interval.level(), interval.lo(), interval.hi());
    }
}

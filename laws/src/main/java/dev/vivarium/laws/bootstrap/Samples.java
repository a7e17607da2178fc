package dev.vivarium.laws.bootstrap;

import java.util.Arrays;
import java.util.function.ToDoubleFunction;

/**
 * Bootstrap replicates of a vector statistic, with summaries: standard errors, percentile intervals and
 * the covariance matrix. Failed resamples (NaN rows) are left out and counted.
 */
public final class Samples {
    private final double[][] rows; // [resample][value], failed ones removed
    private final int failed;

    public Samples(double[][] replicates) {
        this.rows = Arrays.stream(replicates)
                .filter(r -> Arrays.stream(r).allMatch(Double::isFinite))
                .map(double[]::clone)
                .toArray(double[][]::new);
        this.failed = replicates.length - rows.length;
        if (rows.length < 2) {
            throw new IllegalStateException(failed + " of " + replicates.length + " bootstrap refits failed:"
                    + " fewer than 2 usable replicates");
        }
    }

    /** Usable replicates. */
    public int size() {
        return rows.length;
    }

    /** Replicates dropped because their refit failed. */
    public int failed() {
        return failed;
    }

    /** Replicate {@code b} (a copy). */
    public double[] row(int b) {
        return rows[b].clone();
    }

    /** The replicates of value {@code j}. */
    public double[] column(int j) {
        return Arrays.stream(rows).mapToDouble(r -> r[j]).toArray();
    }

    /** The replicates of a function of the statistic (e.g. {@code beta / (alpha + beta)}). */
    public double[] derived(ToDoubleFunction<double[]> f) {
        return Arrays.stream(rows).mapToDouble(f).toArray();
    }

    /** The sample standard deviation (ddof 1) of value {@code j}. */
    public double se(int j) {
        return sd(column(j));
    }

    /** The covariance matrix of the replicates (ddof 1). */
    public double[][] covariance() {
        int k = rows[0].length;
        double[] mean = new double[k];
        for (double[] r : rows) {
            for (int j = 0; j < k; j++) {
                mean[j] += r[j] / rows.length;
            }
        }
        double[][] cov = new double[k][k];
        for (double[] r : rows) {
            for (int i = 0; i < k; i++) {
                for (int j = 0; j < k; j++) {
                    cov[i][j] += (r[i] - mean[i]) * (r[j] - mean[j]) / (rows.length - 1);
                }
            }
        }
        return cov;
    }

    /** Sample standard deviation with ddof 1. */
    public static double sd(double[] v) {
        double mean = Arrays.stream(v).average().orElse(Double.NaN);
        double ss = 0;
        for (double x : v) {
            ss += (x - mean) * (x - mean);
        }
        return Math.sqrt(ss / (v.length - 1));
    }

    /** The percentile interval of {@code v} at coverage {@code level}. */
    public static Interval percentile(double[] v, double level) {
        double[] sorted = v.clone();
        Arrays.sort(sorted);
        double tail = (1 - level) / 2;
        return new Interval(quantile(sorted, tail), quantile(sorted, 1 - tail), level);
    }

    /** The {@code q}-quantile of sorted values, linearly interpolated (numpy's default). */
    public static double quantile(double[] sorted, double q) {
        if (!(q >= 0 && q <= 1)) {
            throw new IllegalArgumentException("q = " + q + ": must be in [0, 1]");
        }
        double pos = q * (sorted.length - 1);
        int lo = (int) Math.floor(pos);
        int hi = Math.min(lo + 1, sorted.length - 1);
        return sorted[lo] + (pos - lo) * (sorted[hi] - sorted[lo]);
    }

    /** An {@link Estimate} of {@code name} from its full-data value and its replicates. */
    public static Estimate estimate(String name, double value, double[] replicates, double level) {
        return new Estimate(name, value, sd(replicates), percentile(replicates, level));
    }
}

package dev.vivarium.lens.spectra;

import java.util.Arrays;

/**
 * Maximum-likelihood fit of a continuous power law {@code p(x) ~ x^-alpha} for {@code x >= xmin},
 * with {@code xmin} chosen by Clauset, Shalizi and Newman (2009): the one whose fitted tail has the
 * smallest Kolmogorov-Smirnov distance to the data.
 *
 * <pre>
 * alpha(xmin) = 1 + n / sum_{x_i >= xmin} ln(x_i / xmin)      n = points in the tail
 * D(xmin)     = max_x |S(x) - (1 - (x / xmin)^(1 - alpha))|    S: empirical CDF of the tail
 * sigma       = (alpha - 1) / sqrt(n)                          standard error of alpha
 * </pre>
 *
 * <p>Every distinct data value leaving at least {@link #MIN_TAIL} points in the tail is a
 * candidate {@code xmin} (fewer points make the KS distance meaningless).
 */
public final class PowerLawFit {
    /** Smallest tail a candidate xmin may leave. */
    public static final int MIN_TAIL = 10;

    private PowerLawFit() {}

    /**
     * The fitted tail.
     *
     * @param alpha exponent
     * @param sigma standard error of alpha
     * @param xmin where the tail starts
     * @param ks Kolmogorov-Smirnov distance of the fit
     * @param tail number of points at or above xmin
     */
    public record Result(double alpha, double sigma, double xmin, double ks, int tail) {
        static final Result NONE = new Result(Double.NaN, Double.NaN, Double.NaN, Double.NaN, 0);
    }

    /** Fits positive data; returns NaNs when fewer than {@link #MIN_TAIL} positive values exist. */
    public static Result fit(double[] data) {
        double[] x = Arrays.stream(data)
                .filter(v -> v > 0 && Double.isFinite(v))
                .sorted()
                .toArray();
        int n = x.length;
        if (n < MIN_TAIL) {
            return Result.NONE;
        }
        double[] suffixLog = new double[n + 1]; // suffixLog[k] = sum_{i >= k} ln x_i
        for (int i = n - 1; i >= 0; i--) {
            suffixLog[i] = suffixLog[i + 1] + Math.log(x[i]);
        }
        Result best = Result.NONE;
        for (int k = 0; k <= n - MIN_TAIL; k++) {
            if (k > 0 && x[k] == x[k - 1]) {
                continue; // the same xmin as before
            }
            int m = n - k;
            double logSum = suffixLog[k] - m * Math.log(x[k]);
            if (!(logSum > 0)) {
                continue;
            }
            double alpha = 1 + m / logSum;
            double d = ks(x, k, alpha);
            if (best.tail() == 0 || d < best.ks()) {
                best = new Result(alpha, (alpha - 1) / Math.sqrt(m), x[k], d, m);
            }
        }
        return best;
    }

    /** KS distance between the tail {@code x[k..]} (sorted) and the power law from {@code x[k]}. */
    static double ks(double[] x, int k, double alpha) {
        int m = x.length - k;
        double xmin = x[k];
        double d = 0;
        for (int i = 0; i < m; i++) {
            double cdf = 1 - Math.pow(x[k + i] / xmin, 1 - alpha);
            d = Math.max(d, Math.max(Math.abs((i + 1.0) / m - cdf), Math.abs((double) i / m - cdf)));
        }
        return d;
    }
}

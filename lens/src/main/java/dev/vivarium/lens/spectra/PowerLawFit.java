package dev.vivarium.lens.spectra;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Maximum-likelihood fit of a continuous power law {@code p(x) ~ x^-alpha} for {@code x >= xmin}, with
 * {@code xmin} chosen and the fit tested as Clauset, Shalizi and Newman (2009) do:
 *
 * <pre>
 * alpha(xmin) = 1 + n / sum_{x_i >= xmin} ln(x_i / xmin)      n = points in the tail
 * D(xmin)     = sup_x |S(x) - P(x)|,  P(x) = 1 - (x / xmin)^(1 - alpha)     S: empirical CDF of the tail
 * sigma       = (alpha - 1) / sqrt(n)                          standard error of alpha
 * xmin        = the candidate with the smallest D
 * </pre>
 *
 * <p><b>KS convention</b> ({@link #KS_CONVENTION}): D is the two-sided Kolmogorov-Smirnov statistic, the
 * supremum over both sides of every step of the empirical CDF, {@code max_i max(i/n - P(x_i), P(x_i) - (i-1)/n)}
 * for the sorted tail {@code x_1 .. x_n}: what {@code scipy.stats.kstest(tail, cdf)} returns. Comparing only
 * one side of each step ({@code i/n - P(x_i)}, or its absolute value) under-counts the distance of a short
 * tail, so the scan favours tiny tails with steep exponents.
 *
 * <p><b>Goodness of fit</b> ({@link #pValue}): the semi-parametric bootstrap of their section 4.1. Each
 * synthetic set has as many points as the data; each point is, with probability {@code tail/N}, drawn from
 * the fitted power law above xmin, else drawn uniformly from the data below xmin. Each set is fitted by the
 * same procedure (xmin scan included); p is the share of sets whose D is at least the data's. They take
 * {@code p < 0.1} to rule the power law out.
 *
 * <p>Every distinct data value leaving at least {@link #MIN_TAIL} points in the tail is a candidate xmin
 * (fewer points make the KS distance meaningless).
 */
public final class PowerLawFit {
    /** Smallest tail a candidate xmin may leave. */
    public static final int MIN_TAIL = 10;

    /** The KS statistic used, in words. */
    public static final String KS_CONVENTION =
            "two-sided KS: D = max_i max(i/n - P(x_i), P(x_i) - (i-1)/n) over the sorted tail (scipy.stats.kstest)";

    private PowerLawFit() {}

    /**
     * The fitted tail.
     *
     * @param alpha exponent
     * @param sigma standard error of alpha
     * @param xmin where the tail starts
     * @param ks Kolmogorov-Smirnov distance of the fit
     * @param tail number of points at or above xmin
     * @param n number of positive finite points fitted
     */
    public record Result(double alpha, double sigma, double xmin, double ks, int tail, int n) {
        static Result none(int n) {
            return new Result(Double.NaN, Double.NaN, Double.NaN, Double.NaN, 0, n);
        }

        /** The tail's share of the points. */
        public double tailFraction() {
            return n == 0 ? Double.NaN : (double) tail / n;
        }
    }

    /** Fits positive data; returns NaNs when fewer than {@link #MIN_TAIL} positive values exist. */
    public static Result fit(double[] data) {
        return fitSorted(positiveSorted(data));
    }

    /**
     * The bootstrap goodness-of-fit p-value of {@code fit} to {@code data} from {@code sets} synthetic data
     * sets drawn with {@code seed}; NaN when the fit is undefined.
     */
    public static double pValue(double[] data, Result fit, int sets, long seed) {
        if (sets < 1) {
            throw new IllegalArgumentException("bootstrap sets: must be >= 1, got " + sets);
        }
        if (fit.tail() == 0) {
            return Double.NaN;
        }
        double[] x = positiveSorted(data);
        int n = x.length;
        int below = n - fit.tail(); // x[0 .. below) lie under xmin
        SplittableRandom r = new SplittableRandom(seed);
        int atLeast = 0;
        double[] synthetic = new double[n];
        for (int s = 0; s < sets; s++) {
            for (int i = 0; i < n; i++) {
                if (below > 0 && r.nextDouble() >= (double) fit.tail() / n) {
                    synthetic[i] = x[r.nextInt(below)];
                } else {
                    synthetic[i] = fit.xmin() * Math.pow(1 - r.nextDouble(), -1 / (fit.alpha() - 1));
                }
            }
            double[] sorted = synthetic.clone();
            Arrays.sort(sorted);
            Result f = fitSorted(sorted);
            if (f.tail() > 0 && f.ks() >= fit.ks()) {
                atLeast++;
            }
        }
        return (double) atLeast / sets;
    }

    private static double[] positiveSorted(double[] data) {
        return Arrays.stream(data)
                .filter(v -> v > 0 && Double.isFinite(v))
                .sorted()
                .toArray();
    }

    private static Result fitSorted(double[] x) {
        int n = x.length;
        if (n < MIN_TAIL) {
            return Result.none(n);
        }
        double[] suffixLog = new double[n + 1]; // suffixLog[k] = sum_{i >= k} ln x_i
        for (int i = n - 1; i >= 0; i--) {
            suffixLog[i] = suffixLog[i + 1] + Math.log(x[i]);
        }
        Result best = Result.none(n);
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
                best = new Result(alpha, (alpha - 1) / Math.sqrt(m), x[k], d, m, n);
            }
        }
        return best;
    }

    /** Two-sided KS distance between the tail {@code x[k..]} (sorted) and the power law from {@code x[k]}. */
    static double ks(double[] x, int k, double alpha) {
        int m = x.length - k;
        double xmin = x[k];
        double d = 0;
        for (int i = 0; i < m; i++) {
            double cdf = 1 - Math.pow(x[k + i] / xmin, 1 - alpha);
            d = Math.max(d, Math.max((i + 1.0) / m - cdf, cdf - (double) i / m));
        }
        return d;
    }
}

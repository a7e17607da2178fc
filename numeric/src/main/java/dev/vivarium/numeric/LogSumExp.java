package dev.vivarium.numeric;

/**
 * {@code log(sum_k exp(t_k))} without overflow or underflow: the largest term is factored out, so every
 * exponential is at most 1. Used by the scaling laws (a sum of power-law terms in log space) and by
 * softmax cross-entropies.
 */
public final class LogSumExp {
    private LogSumExp() {}

    /** {@code log(sum_k exp(t[k]))}; {@code -Infinity} for an empty or all {@code -Infinity} input. */
    public static double of(double[] t) {
        double max = max(t);
        if (max == Double.NEGATIVE_INFINITY || max == Double.POSITIVE_INFINITY) {
            return max;
        }
        double sum = 0;
        for (double v : t) {
            sum += Math.exp(v - max);
        }
        return max + Math.log(sum);
    }

    /**
     * Replaces {@code t} by its softmax {@code exp(t_k) / sum_j exp(t_j)} and returns the log-sum-exp of the
     * original values (the gradient of {@link #of} is the softmax, so one call gives value and gradient).
     */
    public static double softmaxInPlace(double[] t) {
        double max = max(t); // a NaN or infinite term gives NaN, which a line search reads as "too far"
        double sum = 0;
        for (int k = 0; k < t.length; k++) {
            t[k] = Math.exp(t[k] - max);
            sum += t[k];
        }
        for (int k = 0; k < t.length; k++) {
            t[k] /= sum;
        }
        return max + Math.log(sum);
    }

    private static double max(double[] t) {
        double max = Double.NEGATIVE_INFINITY;
        for (double v : t) {
            max = Math.max(max, v);
        }
        return max;
    }
}

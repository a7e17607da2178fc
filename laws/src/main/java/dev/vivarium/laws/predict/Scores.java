package dev.vivarium.laws.predict;

/**
 * Proper scoring rules, all oriented so that lower is better (Gneiting and Raftery 2007).
 */
public final class Scores {
    private Scores() {}

    /** Brier score {@code (p - o)^2} of probability {@code p} for an event that happened ({@code o = 1}) or not. */
    public static double brier(double p, boolean happened) {
        checkProbability(p);
        double o = happened ? 1 : 0;
        return (p - o) * (p - o);
    }

    /** Log score {@code -ln(probability given to what happened)}; infinite for a certain forecast that failed. */
    public static double log(double p, boolean happened) {
        checkProbability(p);
        return -Math.log(happened ? p : 1 - p);
    }

    /**
     * Interval score of a central interval with coverage {@code confidence = 1 - a}:
     * {@code (hi - lo) + (2/a)(lo - x) 1{x < lo} + (2/a)(x - hi) 1{x > hi}}.
     */
    public static double interval(double lo, double hi, double confidence, double x) {
        double a = 1 - confidence;
        double score = hi - lo;
        if (x < lo) {
            score += 2 / a * (lo - x);
        } else if (x > hi) {
            score += 2 / a * (x - hi);
        }
        return score;
    }

    /** Pinball (quantile) loss of quantile {@code q} at level {@code tau}: {@code (1{x < q} - tau)(q - x)}. */
    public static double pinball(double q, double tau, double x) {
        return ((x < q ? 1 : 0) - tau) * (q - x);
    }

    /**
     * CRPS of a forecast given by quantiles, approximated by {@code (2/K) sum_k pinball(q_k, tau_k, x)}: the
     * CRPS is twice the pinball loss integrated over all levels, and this is its average over the K levels given
     * (exact in the limit of many evenly spaced levels).
     */
    public static double crps(double[] levels, double[] quantiles, double x) {
        double sum = 0;
        for (int k = 0; k < levels.length; k++) {
            sum += pinball(quantiles[k], levels[k], x);
        }
        return 2 * sum / levels.length;
    }

    private static void checkProbability(double p) {
        if (!(p >= 0 && p <= 1)) {
            throw new IllegalArgumentException("probability = " + p + ": must be in [0, 1]");
        }
    }
}

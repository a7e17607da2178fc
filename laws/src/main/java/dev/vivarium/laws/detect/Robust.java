package dev.vivarium.laws.detect;

import java.util.Arrays;

/** Robust statistics for noisy series: median, MAD-based noise, centred running median. */
public final class Robust {
    /** Scales a median absolute deviation to a normal standard deviation. */
    public static final double MAD_TO_SD = 1.482602218505602;

    private Robust() {}

    /** The median of {@code v} (not modified). */
    public static double median(double[] v) {
        if (v.length == 0) {
            throw new IllegalArgumentException("median of no values");
        }
        double[] s = v.clone();
        Arrays.sort(s);
        int n = s.length;
        return n % 2 == 1 ? s[n / 2] : 0.5 * (s[n / 2 - 1] + s[n / 2]);
    }

    /** The median absolute deviation from the median, scaled to a normal standard deviation. */
    public static double madSd(double[] v) {
        double m = median(v);
        return MAD_TO_SD * median(Arrays.stream(v).map(x -> Math.abs(x - m)).toArray());
    }

    /**
     * The noise level of a smooth curve plus white noise, from its second differences: for white noise of
     * standard deviation s, {@code y[i-1] - 2 y[i] + y[i+1]} has standard deviation {@code s sqrt(6)}.
     * Needs at least 3 points; returns 0 for fewer.
     */
    public static double noiseFromSecondDifferences(double[] y) {
        if (y.length < 3) {
            return 0;
        }
        double[] d2 = new double[y.length - 2];
        for (int i = 1; i < y.length - 1; i++) {
            d2[i - 1] = y[i - 1] - 2 * y[i] + y[i + 1];
        }
        return madSd(d2) / Math.sqrt(6);
    }

    /** The centred running median with an odd {@code window} (shrinking at the ends); 1 returns a copy. */
    public static double[] runningMedian(double[] v, int window) {
        if (window < 1 || window % 2 == 0) {
            throw new IllegalArgumentException("window = " + window + ": must be odd and >= 1");
        }
        double[] out = new double[v.length];
        int half = window / 2;
        for (int i = 0; i < v.length; i++) {
            int lo = Math.max(0, i - half);
            int hi = Math.min(v.length, i + half + 1);
            out[i] = median(Arrays.copyOfRange(v, lo, hi));
        }
        return out;
    }
}

package dev.vivarium.app.web;

import java.util.Arrays;

/**
 * Shortens a long curve for drawing without hiding what matters in it: the points are cut into {@code buckets}
 * runs of consecutive points, and each run keeps its smallest and its largest value (at their own x, in their
 * order), so a spike, however narrow, is always drawn. A curve already short enough is returned whole; NaN
 * values are kept where they fall (as gaps), never chosen as a bucket's extreme.
 */
public final class Downsample {
    private Downsample() {}

    /**
     * A curve: {@code x[i]} against {@code y[i]}.
     *
     * @param x ascending positions
     * @param y the values, NaN for a gap
     */
    public record Curve(double[] x, double[] y) {
        /** Checks the two arrays have one length. */
        public Curve {
            if (x.length != y.length) {
                throw new IllegalArgumentException("x has " + x.length + " points, y " + y.length);
            }
        }

        /** The number of points. */
        public int size() {
            return x.length;
        }
    }

    /**
     * At most {@code 2 * buckets} points of {@code c}: each bucket's minimum and maximum, the bucket's first
     * point standing for it when it holds only NaN.
     *
     * @throws IllegalArgumentException if {@code buckets < 1}
     */
    public static Curve minMax(Curve c, int buckets) {
        if (fitsWhole(c, buckets)) {
            return c;
        }
        int n = c.size();
        double[] ox = new double[2 * buckets];
        double[] oy = new double[2 * buckets];
        int k = 0;
        for (int b = 0; b < buckets; b++) {
            int from = (int) ((long) n * b / buckets);
            int to = (int) ((long) n * (b + 1) / buckets);
            int[] ext = extremes(c.y(), from, to);
            int lo = ext[0];
            int hi = ext[1];
            if (lo < 0) {
                ox[k] = c.x()[from];
                oy[k++] = Double.NaN;
                continue;
            }
            int first = Math.min(lo, hi);
            int second = Math.max(lo, hi);
            ox[k] = c.x()[first];
            oy[k++] = c.y()[first];
            if (second != first) {
                ox[k] = c.x()[second];
                oy[k++] = c.y()[second];
            }
        }
        return new Curve(Arrays.copyOf(ox, k), Arrays.copyOf(oy, k));
    }

    /**
     * As {@link #minMax}, but each bucket's two extremes are placed at the bucket's first and last x, in the
     * order they occur: every value the buckets keep is kept, and curves logged at the same steps get the same
     * x positions, so many of them overlay on one shared axis (the compare page) instead of on the union of
     * their extremes' positions. A point moves by at most its bucket's width.
     */
    public static Curve minMaxAtBucketEnds(Curve c, int buckets) {
        if (fitsWhole(c, buckets)) {
            return c;
        }
        int n = c.size();
        double[] ox = new double[2 * buckets];
        double[] oy = new double[2 * buckets];
        int k = 0;
        for (int b = 0; b < buckets; b++) {
            int from = (int) ((long) n * b / buckets);
            int to = (int) ((long) n * (b + 1) / buckets);
            int[] ext = extremes(c.y(), from, to);
            int lo = ext[0];
            int hi = ext[1];
            double firstValue = lo < 0 ? Double.NaN : c.y()[Math.min(lo, hi)];
            double secondValue = lo < 0 ? Double.NaN : c.y()[Math.max(lo, hi)];
            ox[k] = c.x()[from];
            oy[k++] = firstValue;
            if (to - 1 > from) {
                ox[k] = c.x()[to - 1];
                oy[k++] = secondValue;
            }
        }
        return new Curve(Arrays.copyOf(ox, k), Arrays.copyOf(oy, k));
    }

    /** Whether {@code c} already fits in {@code buckets} buckets (returned whole); refuses {@code buckets < 1}. */
    private static boolean fitsWhole(Curve c, int buckets) {
        if (buckets < 1) {
            throw new IllegalArgumentException("buckets must be at least 1, got " + buckets);
        }
        return c.size() <= 2L * buckets;
    }

    /** The indices of the smallest and largest non-NaN value of {@code y[from, to)}, each -1 when all are NaN. */
    private static int[] extremes(double[] y, int from, int to) {
        int lo = -1;
        int hi = -1;
        for (int i = from; i < to; i++) {
            double v = y[i];
            if (Double.isNaN(v)) {
                continue;
            }
            if (lo < 0 || v < y[lo]) {
                lo = i;
            }
            if (hi < 0 || v > y[hi]) {
                hi = i;
            }
        }
        return new int[] {lo, hi};
    }
}

package dev.vivarium.laws.detect;

import java.util.SplittableRandom;

/** Synthetic metric curves with known answers. */
final class Curves {
    private Curves() {}

    /** {@code n} log-spaced steps from {@code from} to {@code to}, rounded to integers. */
    static double[] logSteps(double from, double to, int n) {
        double[] s = new double[n];
        for (int i = 0; i < n; i++) {
            s[i] = Math.rint(from * Math.pow(to / from, i / (double) (n - 1)));
        }
        return s;
    }

    /** {@code n} log-spaced values from {@code from} to {@code to}, not rounded. */
    static double[] logGrid(double from, double to, int n) {
        double[] s = new double[n];
        for (int i = 0; i < n; i++) {
            s[i] = from * Math.pow(to / from, i / (double) (n - 1));
        }
        return s;
    }

    /** {@code n} evenly spaced steps 0, step, 2 step, ... */
    static double[] steps(int n, double step) {
        double[] s = new double[n];
        for (int i = 0; i < n; i++) {
            s[i] = i * step;
        }
        return s;
    }

    /** Accuracy rising as a logistic in log-step, centred at {@code mid}, from {@code floor} to 1. */
    static double[] logisticAccuracy(double[] steps, double mid, double sharpness, double floor) {
        double[] a = new double[steps.length];
        for (int i = 0; i < steps.length; i++) {
            a[i] = floor + (1 - floor) / (1 + Math.exp(-sharpness * (Math.log(steps[i]) - Math.log(mid))));
        }
        return a;
    }

    /** Adds Gaussian noise of standard deviation {@code sd}, clipping to [lo, hi]. */
    static double[] noisy(double[] v, double sd, double lo, double hi, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        double[] out = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            double g = Math.sqrt(-2 * Math.log(1 - r.nextDouble())) * Math.cos(2 * Math.PI * r.nextDouble());
            out[i] = Math.min(hi, Math.max(lo, v[i] + sd * g));
        }
        return out;
    }
}

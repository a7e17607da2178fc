package dev.vivarium.laws.detect;

import java.util.Arrays;

/**
 * A metric against steps (or model size, or epochs): strictly increasing finite {@code x}, finite values.
 * A NaN or infinite value is refused with its index and step: a diverged run is a fact to report, not a
 * point to detect on.
 *
 * @param name the metric's name, used in messages (e.g. {@code "test_acc"})
 * @param x the steps, strictly increasing (regular or log-spaced)
 * @param values the metric at each step
 */
public record Series(String name, double[] x, double[] values) {

    public Series {
        x = x.clone();
        values = values.clone();
        if (x.length != values.length) {
            throw new IllegalArgumentException(name + ": " + x.length + " steps but " + values.length + " values");
        }
        if (x.length == 0) {
            throw new IllegalArgumentException(name + " is empty");
        }
        for (int i = 0; i < x.length; i++) {
            if (!Double.isFinite(x[i]) || (i > 0 && !(x[i] > x[i - 1]))) {
                throw new IllegalArgumentException(name + ": step " + x[i] + " at index " + i
                        + " must be finite and greater than the previous step " + (i > 0 ? x[i - 1] : ""));
            }
            if (!Double.isFinite(values[i])) {
                throw new IllegalArgumentException(
                        name + " = " + values[i] + " at step " + x[i] + " (index " + i + "): values must be finite");
            }
        }
    }

    public int size() {
        return x.length;
    }

    public double x(int i) {
        return x[i];
    }

    public double value(int i) {
        return values[i];
    }

    @Override
    public double[] x() {
        return x.clone();
    }

    @Override
    public double[] values() {
        return values.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Series s && s.name.equals(name) && Arrays.equals(s.x, x) && Arrays.equals(s.values, values);
    }

    @Override
    public int hashCode() {
        return name.hashCode() * 31 + Arrays.hashCode(values);
    }

    @Override
    public String toString() {
        return "Series[" + name + ", " + x.length + " points]";
    }
}

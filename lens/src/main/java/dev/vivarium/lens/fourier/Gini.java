package dev.vivarium.lens.fourier;

import java.util.Arrays;

/** The Gini coefficient of non-negative values: 0 when all are equal, (n-1)/n when one holds all. */
public final class Gini {
    private Gini() {}

    /** {@code sum_i (2i - n - 1) x_(i) / (n sum x)} over the values sorted ascending, i from 1. */
    public static double of(double[] values) {
        double[] x = values.clone();
        Arrays.sort(x);
        int n = x.length;
        double total = 0;
        double weighted = 0;
        for (int i = 0; i < n; i++) {
            if (x[i] < 0) {
                throw new IllegalArgumentException("Gini coefficient of a negative value " + x[i]);
            }
            total += x[i];
            weighted += (2.0 * (i + 1) - n - 1) * x[i];
        }
        return total == 0 ? 0 : weighted / (n * total);
    }
}

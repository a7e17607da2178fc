package dev.vivarium.numeric.event;

import java.util.OptionalLong;

/** Where a series crosses a threshold for good. */
public final class Thresholds {
    private Thresholds() {}

    /**
     * The first step from which every value to the end of the series is at or above {@code threshold}; empty
     * when the last value is below it (or NaN).
     */
    public static OptionalLong firstStaysAtLeast(long[] steps, double[] values, double threshold) {
        if (steps.length != values.length) {
            throw new IllegalArgumentException(steps.length + " steps but " + values.length + " values");
        }
        for (int i = 1; i < steps.length; i++) {
            if (steps[i] <= steps[i - 1]) {
                throw new IllegalArgumentException(
                        "steps must increase: step " + steps[i] + " follows " + steps[i - 1] + " at index " + i);
            }
        }
        int i = values.length;
        while (i > 0 && values[i - 1] >= threshold) {
            i--;
        }
        return i == values.length ? OptionalLong.empty() : OptionalLong.of(steps[i]);
    }
}

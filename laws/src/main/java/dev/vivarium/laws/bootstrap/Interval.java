package dev.vivarium.laws.bootstrap;

/**
 * A two-sided interval with its nominal coverage.
 *
 * @param lo lower end
 * @param hi upper end, {@code >= lo}
 * @param level nominal coverage in (0, 1), e.g. 0.95
 */
public record Interval(double lo, double hi, double level) {
    public Interval {
        if (!(level > 0 && level < 1)) {
            throw new IllegalArgumentException("level = " + level + ": must be in (0, 1)");
        }
        if (!(lo <= hi)) {
            throw new IllegalArgumentException("lo = " + lo + ", hi = " + hi + ": need lo <= hi");
        }
    }

    /** Whether {@code x} lies in {@code [lo, hi]}. */
    public boolean contains(double x) {
        return x >= lo && x <= hi;
    }

    public double width() {
        return hi - lo;
    }
}

package dev.vivarium.app.report;

/**
 * One number format per axis, chosen from the axis's range, so {@code 0.001} never stands beside {@code
 * 1E-4}: a log axis whose decades all lie in [1e-4, 1e5] is labelled in plain decimals ({@code 0.0001 ...
 * 100000}), any other log axis in {@code 1E-6} notation throughout. The results are {@link
 * java.text.DecimalFormat} patterns, as the chart library takes them.
 */
final class TickFormat {
    /** Smallest decade a log axis may reach and still be written in plain decimals (as {@code 0.0001}). */
    static final int PLAIN_FROM = -4;
    /** Largest decade a log axis may reach and still be written in plain decimals (as {@code 100000}). */
    static final int PLAIN_TO = 5;

    /** Plain decimals with up to four places, no grouping: {@code 0.0001}, {@code 0.5}, {@code 100000}. */
    static final String PLAIN = "0.####";
    /** Scientific notation throughout: {@code 1E-6}, {@code 1E0}, {@code 1E7}. */
    static final String SCIENTIFIC = "0.##E0";

    private TickFormat() {}

    /** The pattern for a log axis showing values from {@code min} to {@code max}; plain if either is not > 0. */
    static String forLogAxis(double min, double max) {
        if (!(min > 0) || !(max >= min) || Double.isInfinite(max)) {
            return PLAIN;
        }
        int lo = (int) Math.floor(Math.log10(min) + 1e-9);
        int hi = (int) Math.ceil(Math.log10(max) - 1e-9);
        return lo >= PLAIN_FROM && hi <= PLAIN_TO ? PLAIN : SCIENTIFIC;
    }
}

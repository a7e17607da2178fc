package dev.vivarium.laws.detect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class DoubleDescentTest {
    private static final double[] SIZES = Curves.logGrid(1, 10_000, 25); // model widths, log-spaced

    /** 1 / sqrt(x) plus a Gaussian bump of the given height in log x centred at x = 100. */
    private static double[] curve(double bump) {
        double[] y = new double[SIZES.length];
        for (int i = 0; i < y.length; i++) {
            double u = Math.log10(SIZES[i]) - 2;
            y[i] = 0.2 + 1 / Math.sqrt(SIZES[i]) + bump * Math.exp(-u * u / (2 * 0.15 * 0.15));
        }
        return y;
    }

    /** The clean curve's prominence at its peak (index 12, x = 100), by hand from its definition. */
    private static double cleanProminence(double[] y) {
        double before = Double.POSITIVE_INFINITY;
        double after = Double.POSITIVE_INFINITY;
        for (int i = 0; i < 12; i++) {
            before = Math.min(before, y[i]);
        }
        for (int i = 13; i < y.length; i++) {
            after = Math.min(after, y[i]);
        }
        return y[12] - Math.max(before, after);
    }

    @Test
    void findsThePeakItsPlaceAndHeight() {
        double[] clean = curve(0.3);
        double[] y = Curves.noisy(clean, 0.005, 0, 10, 5);
        DoubleDescent.Result r = DoubleDescent.DEFAULT.detect(new Series("test_loss", SIZES, y));
        assertTrue(r.detected(), r.toString());
        assertEquals(100, r.peakX(), 1e-9); // 10^2 is on the grid
        assertEquals(0.2 + 0.1 + 0.3, r.peakValue(), 0.02);
        assertEquals(cleanProminence(clean), r.prominence(), 0.02);
        // the robust noise estimate is conservative: the curve's own bends add to its second differences
        assertTrue(r.noise() > 0.5 * 0.005 && r.noise() < 2.5 * 0.005, "noise " + r.noise());
    }

    @Test
    void aMonotoneNoisyCurveHasNoPeakAboveTheNoise() {
        double[] y = Curves.noisy(curve(0), 0.005, 0, 10, 6);
        DoubleDescent.Result r = DoubleDescent.DEFAULT.detect(new Series("test_loss", SIZES, y));
        assertFalse(r.detected(), r.toString());
    }

    @Test
    void aSmallBumpCountsOnlyWhenTheNoiseIsKnownToBeSmall() {
        double[] y = curve(0.1);
        Series s = new Series("test_loss", SIZES, y);
        double prominence = cleanProminence(y);
        assertTrue(prominence > 0.01, "the bump makes a peak: " + prominence);
        // detected iff prominence > 3 sqrt(2) noise
        assertTrue(DoubleDescent.DEFAULT
                .detect(s, 0.99 * prominence / (3 * Math.sqrt(2)))
                .detected());
        assertFalse(DoubleDescent.DEFAULT
                .detect(s, 1.01 * prominence / (3 * Math.sqrt(2)))
                .detected());
    }

    @Test
    void needsThreePoints() {
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> DoubleDescent.DEFAULT.detect(new Series("test_loss", new double[] {1, 2}, new double[] {1, 2})));
        assertTrue(e.getMessage().contains("at least 3"), e.getMessage());
    }
}

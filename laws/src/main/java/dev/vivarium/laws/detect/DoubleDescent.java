package dev.vivarium.laws.detect;

/**
 * Double descent: test loss against model size (or epochs) falls, rises to a peak, and falls again. The
 * candidate peak is the interior point of greatest prominence ({@code peak - max(min before, min after)});
 * it counts when the prominence exceeds {@code sigmas} times the noise of a difference of two points.
 *
 * @param sigmas how many noise standard deviations the prominence must exceed, {@code > 0}
 */
public record DoubleDescent(double sigmas) {

    /** Prominence above 3 standard deviations of the difference of two noisy points. */
    public static final DoubleDescent DEFAULT = new DoubleDescent(3);

    /**
     * The detector's output.
     *
     * @param detected whether a peak stands above the noise
     * @param peakX where the peak is (model size or epoch)
     * @param peakValue the test loss at the peak
     * @param rise the peak's height above the lowest point before it
     * @param prominence the peak's height above the higher of the lowest points before and after it
     * @param noise the per-point noise standard deviation used
     */
    public record Result(
            boolean detected, double peakX, double peakValue, double rise, double prominence, double noise) {}

    public DoubleDescent {
        if (!(sigmas > 0)) {
            throw new IllegalArgumentException("sigmas = " + sigmas + ": must be > 0");
        }
    }

    /** Detects with the noise estimated from the series' second differences. */
    public Result detect(Series testLoss) {
        return detect(testLoss, Robust.noiseFromSecondDifferences(testLoss.values()));
    }

    /** Detects with a known per-point noise standard deviation (e.g. the spread across seeds). */
    public Result detect(Series testLoss, double noise) {
        if (!(noise >= 0)) {
            throw new IllegalArgumentException("noise = " + noise + ": must be >= 0");
        }
        int n = testLoss.size();
        if (n < 3) {
            throw new IllegalArgumentException(
                    testLoss.name() + " has " + n + " points: double descent needs at least 3");
        }
        double[] y = testLoss.values();
        double[] minBefore = new double[n];
        double[] minAfter = new double[n];
        minBefore[0] = y[0];
        for (int i = 1; i < n; i++) {
            minBefore[i] = Math.min(minBefore[i - 1], y[i]);
        }
        minAfter[n - 1] = y[n - 1];
        for (int i = n - 2; i >= 0; i--) {
            minAfter[i] = Math.min(minAfter[i + 1], y[i]);
        }
        int best = -1;
        double bestProminence = 0;
        for (int i = 1; i < n - 1; i++) {
            double prominence = y[i] - Math.max(minBefore[i - 1], minAfter[i + 1]);
            if (prominence > bestProminence) {
                bestProminence = prominence;
                best = i;
            }
        }
        if (best < 0) {
            return new Result(false, Double.NaN, Double.NaN, 0, 0, noise);
        }
        boolean detected = bestProminence > sigmas * Math.sqrt(2) * noise;
        return new Result(detected, testLoss.x(best), y[best], y[best] - minBefore[best - 1], bestProminence, noise);
    }
}

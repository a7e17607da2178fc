package dev.vivarium.app.web;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** Min/max downsampling keeps every bucket's extremes: a single spike in 10,000 points is never lost. */
class DownsampleTest {
    private static Downsample.Curve noisy(int n, long seed) {
        Random rng = new Random(seed);
        double[] x = new double[n];
        double[] y = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = 10.0 * i;
            y[i] = Math.exp(-i / 2000.0) + 0.01 * rng.nextGaussian();
        }
        return new Downsample.Curve(x, y);
    }

    @Test
    void aSingleSpikeInTenThousandPointsSurvivesTwoHundredBuckets() {
        Random rng = new Random(7);
        for (int trial = 0; trial < 50; trial++) {
            Downsample.Curve c = noisy(10_000, trial);
            int at = rng.nextInt(10_000);
            boolean up = trial % 2 == 0;
            c.y()[at] = up ? 50.0 : -50.0;
            Downsample.Curve d = Downsample.minMax(c, 200);
            assertTrue(d.size() <= 400, "at most two points a bucket, got " + d.size());
            boolean found = false;
            for (int i = 0; i < d.size(); i++) {
                if (d.x()[i] == c.x()[at]) {
                    assertEquals(c.y()[at], d.y()[i], "the spike keeps its value");
                    found = true;
                }
            }
            assertTrue(found, "spike at point " + at + " (step " + c.x()[at] + ") lost");
            for (int i = 1; i < d.size(); i++) {
                assertTrue(d.x()[i] > d.x()[i - 1], "points stay in order");
            }
        }
    }

    @Test
    void eachBucketKeepsExactlyItsMinimumAndMaximum() {
        Downsample.Curve c = noisy(1234, 3);
        int buckets = 100;
        Downsample.Curve d = Downsample.minMax(c, buckets);
        assertEquals(2 * buckets, d.size(), "noise has a distinct minimum and maximum in every bucket");
        for (int b = 0; b < buckets; b++) {
            int from = 1234 * b / buckets;
            int to = 1234 * (b + 1) / buckets;
            double min = Double.POSITIVE_INFINITY;
            double max = Double.NEGATIVE_INFINITY;
            for (int i = from; i < to; i++) {
                min = Math.min(min, c.y()[i]);
                max = Math.max(max, c.y()[i]);
            }
            double a = d.y()[2 * b];
            double e = d.y()[2 * b + 1];
            assertEquals(min, Math.min(a, e), "bucket " + b + " minimum");
            assertEquals(max, Math.max(a, e), "bucket " + b + " maximum");
        }
    }

    @Test
    void aShortCurveIsReturnedWholeAndGapsAreNeverExtremes() {
        Downsample.Curve c = noisy(300, 1);
        assertEquals(c, Downsample.minMax(c, 150));
        double[] y = c.y().clone();
        for (int i = 0; i < y.length; i += 3) {
            y[i] = Double.NaN;
        }
        Downsample.Curve d = Downsample.minMax(new Downsample.Curve(c.x(), y), 10);
        for (double v : d.y()) {
            assertTrue(!Double.isNaN(v), "a bucket with values is drawn by values");
        }
        double[] allNaN = new double[1000];
        java.util.Arrays.fill(allNaN, Double.NaN);
        double[] x = new double[1000];
        for (int i = 0; i < x.length; i++) {
            x[i] = i;
        }
        Downsample.Curve gaps = Downsample.minMax(new Downsample.Curve(x, allNaN), 4);
        assertArrayEquals(new double[] {0, 250, 500, 750}, gaps.x(), "one gap point per empty bucket");
    }

    @Test
    void atBucketEndsEveryExtremeSurvivesAndRunsWithTheSameStepsShareTheirX() {
        Downsample.Curve a = noisy(10_000, 11);
        Downsample.Curve b = noisy(10_000, 12);
        a.y()[4321] = 77.0;
        Downsample.Curve da = Downsample.minMaxAtBucketEnds(a, 200);
        Downsample.Curve db = Downsample.minMaxAtBucketEnds(b, 200);
        assertArrayEquals(da.x(), db.x(), "one x axis for both");
        assertEquals(400, da.size());
        boolean spike = false;
        for (double v : da.y()) {
            spike |= v == 77.0;
        }
        assertTrue(spike, "the spike's value is kept");
        Downsample.Curve exact = Downsample.minMax(a, 200);
        double[] sortedExact = exact.y().clone();
        double[] sortedEnds = da.y().clone();
        java.util.Arrays.sort(sortedExact);
        java.util.Arrays.sort(sortedEnds);
        assertArrayEquals(sortedExact, sortedEnds, "the same values as minMax, at the buckets' ends");
    }
}

package dev.vivarium.laws.bootstrap;

import java.util.SplittableRandom;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ForkJoinPool;
import java.util.stream.IntStream;

/**
 * The nonparametric bootstrap: {@code resamples} times, draw {@code n} points with replacement and refit.
 * Resample {@code b} draws from its own generator seeded by {@code (seed, b)}, so the results are the same
 * whatever the thread count or scheduling.
 *
 * @param resamples number of resamples, {@code >= 2}
 * @param seed the base seed
 * @param threads worker threads, {@code >= 1}
 */
public record Bootstrap(int resamples, long seed, int threads) {

    /** A statistic recomputed on one resample. */
    @FunctionalInterface
    public interface Statistic {
        /**
         * Computes the statistic on a resample.
         *
         * @param counts how many times each point was drawn (sums to {@code n})
         * @param random a generator private to this resample, for any further randomness
         * @return the statistic's values; {@code null} or NaNs when the refit failed
         */
        double[] compute(int[] counts, SplittableRandom random);
    }

    public Bootstrap {
        if (resamples < 2) {
            throw new IllegalArgumentException("resamples = " + resamples + ": must be >= 2");
        }
        if (threads < 1) {
            throw new IllegalArgumentException("threads = " + threads + ": must be >= 1");
        }
    }

    /** {@code resamples} resamples on every available core. */
    public static Bootstrap of(int resamples, long seed) {
        return new Bootstrap(resamples, seed, Runtime.getRuntime().availableProcessors());
    }

    /**
     * Runs the statistic on every resample of {@code n} points.
     *
     * @return {@code [resample][value]}; a failed resample's row is all NaN ({@code width} long)
     */
    public double[][] run(int n, int width, Statistic statistic) {
        if (n < 2) {
            throw new IllegalArgumentException("n = " + n + ": the bootstrap needs at least 2 points");
        }
        double[][] out = new double[resamples][];
        Runnable all = () -> IntStream.range(0, resamples).parallel().forEach(b -> {
            SplittableRandom random = new SplittableRandom(mix(seed, b));
            int[] counts = new int[n];
            for (int i = 0; i < n; i++) {
                counts[random.nextInt(n)]++;
            }
            double[] row;
            try {
                row = statistic.compute(counts, random);
            } catch (RuntimeException e) {
                row = null;
            }
            if (row == null || row.length != width) {
                row = new double[width];
                java.util.Arrays.fill(row, Double.NaN);
            }
            out[b] = row;
        });
        ForkJoinPool pool = new ForkJoinPool(threads);
        try {
            pool.submit(all).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("bootstrap interrupted", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("bootstrap failed: " + e.getCause(), e.getCause());
        } finally {
            pool.shutdown();
        }
        return out;
    }

    /** SplitMix64's finaliser over the seed and the resample index: independent streams per resample. */
    static long mix(long seed, long index) {
        long z = seed + (index + 1) * 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}

package dev.vivarium.core.task;

import java.util.SplittableRandom;

/**
 * Which examples train and which test, as indices into a task's examples; recorded with the run.
 *
 * @param train indices of training examples
 * @param test indices of held-out examples
 */
public record Split(int[] train, int[] test) {
    /** A seeded shuffle of {@code n} examples, the first {@code floor(fraction * n)} for training. */
    public static Split shuffled(int n, double fraction, long seed) {
        int[] perm = permutation(n, seed);
        int nTrain = (int) (fraction * n); // floor, as Nanda et al. cut their shuffled pairs
        if (nTrain < 1 || nTrain >= n) {
            throw new IllegalArgumentException(
                    "trainFraction " + fraction + " of " + n + " examples leaves an empty train or test set");
        }
        int[] train = java.util.Arrays.copyOfRange(perm, 0, nTrain);
        int[] test = java.util.Arrays.copyOfRange(perm, nTrain, n);
        return new Split(train, test);
    }

    /** Fisher-Yates permutation of {@code 0..n-1} from a seed. */
    public static int[] permutation(int n, long seed) {
        int[] perm = new int[n];
        for (int i = 0; i < n; i++) {
            perm[i] = i;
        }
        SplittableRandom r = new SplittableRandom(seed);
        for (int i = n - 1; i > 0; i--) {
            int j = r.nextInt(i + 1);
            int t = perm[i];
            perm[i] = perm[j];
            perm[j] = t;
        }
        return perm;
    }
}

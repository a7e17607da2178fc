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
        requireBothNonEmpty(n, fraction);
        int nTrain = (int) (fraction * n); // floor, as Nanda et al. cut their shuffled pairs
        int[] train = java.util.Arrays.copyOfRange(perm, 0, nTrain);
        int[] test = java.util.Arrays.copyOfRange(perm, nTrain, n);
        return new Split(train, test);
    }

    /** Refuses a fraction whose cut, floor(fraction * n), leaves the train or the test set empty. */
    public static void requireBothNonEmpty(int n, double fraction) {
        int nTrain = (int) (fraction * n);
        if (nTrain < 1 || nTrain >= n) {
            throw new IllegalArgumentException("trainFraction: " + fraction + " of " + n + " examples leaves "
                    + (nTrain < 1 ? "no training example" : "no test example") + "; need at least one of each");
        }
    }

    /**
     * Checks a split read from a file against the task's {@code n} examples: both sets non-empty, every index in
     * range, no index twice, and no example in both sets (a test set equal to the train set would fake
     * generalisation).
     *
     * @throws IllegalArgumentException saying which rule is broken, with an example index
     */
    public void validate(int n) {
        if (train.length == 0 || test.length == 0) {
            throw new IllegalArgumentException((train.length == 0 ? "the train set" : "the test set") + " is empty");
        }
        byte[] seen = new byte[n]; // 1 train, 2 test
        for (int[] part : new int[][] {train, test}) {
            byte mark = (byte) (part == train ? 1 : 2);
            for (int i : part) {
                if (i < 0 || i >= n) {
                    throw new IllegalArgumentException("index " + i + " is outside the task's " + n + " examples");
                }
                if (seen[i] == mark) {
                    throw new IllegalArgumentException(
                            "example " + i + " appears twice in the " + (mark == 1 ? "train" : "test") + " set");
                }
                if (seen[i] != 0) {
                    throw new IllegalArgumentException(
                            "example " + i + " is in both the train and the test set; they must be disjoint");
                }
                seen[i] = mark;
            }
        }
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

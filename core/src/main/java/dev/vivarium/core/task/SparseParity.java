package dev.vivarium.core.task;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Sparse parity (Barak et al. 2022): {@code n} random bits, the label is the XOR of {@code k} of
 * them, which {@code k} chosen by the seed. Tokens are the bits; the label is scored at the last.
 *
 * @param n bits per example
 * @param k relevant bits
 * @param samples training examples drawn
 * @param testSamples held-out examples drawn
 */
public record SparseParity(int n, int k, int samples, int testSamples) implements TaskConfig {
    public SparseParity {
        if (n < 1 || n > 1024) {
            throw new IllegalArgumentException("n: must be in [1, 1024], got " + n);
        }
        if (k < 1 || k > n) {
            throw new IllegalArgumentException("k: must be in [1, n=" + n + "], got " + k);
        }
        if (samples < 1) {
            throw new IllegalArgumentException("samples: must be a positive integer, got " + samples);
        }
        if (testSamples < 1) {
            throw new IllegalArgumentException("testSamples: must be a positive integer, got " + testSamples);
        }
    }

    @Override
    public int dVocab() {
        return 2;
    }

    @Override
    public int dVocabOut() {
        return 2;
    }

    @Override
    public int seqLen() {
        return n;
    }

    /** The relevant bit positions for {@code seed}, ascending. */
    public int[] relevantBits(long seed) {
        int[] perm = Split.permutation(n, seed ^ 0x5EED_B175L);
        int[] rel = Arrays.copyOf(perm, k);
        Arrays.sort(rel);
        return rel;
    }

    @Override
    public Data generate(long seed) {
        int total = samples + testSamples;
        int[] rel = relevantBits(seed);
        SplittableRandom r = new SplittableRandom(seed);
        long[] tokens = new long[total * n];
        long[] targets = new long[total];
        for (int i = 0; i < total; i++) {
            for (int j = 0; j < n; j++) {
                tokens[i * n + j] = r.nextInt(2);
            }
            long parity = 0;
            for (int b : rel) {
                parity ^= tokens[i * n + b];
            }
            targets[i] = parity;
        }
        int[] train = new int[samples];
        int[] test = new int[testSamples];
        Arrays.setAll(train, i -> i);
        Arrays.setAll(test, i -> samples + i);
        return new Data(new Examples(total, n, tokens, new int[] {n - 1}, targets), new Split(train, test));
    }

    /** Fills in what a parity recipe may leave out: 10,000 test samples. */
    public static void fillDefaults(ObjectNode t) {
        t.putIfAbsent("testSamples", t.numberNode(10_000));
    }
}

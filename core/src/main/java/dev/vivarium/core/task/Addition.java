package dev.vivarium.core.task;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Multi-digit addition: {@code a + b = c} with {@code a, b} of {@code digits} digits (zero padded,
 * most significant first) and {@code c} of {@code digits + 1} digits. Tokens 0-9 are digits, 10 is
 * {@code +}, 11 is {@code =}. The model reads {@code a + b = c} without the last digit of c and is
 * scored on every digit of c (teacher forcing): per-digit accuracy and exact match.
 *
 * @param digits digits of each operand, 1 to 9
 * @param samples distinct pairs drawn (all pairs when there are fewer)
 * @param trainFraction share of pairs used for training, in (0, 1)
 */
public record Addition(int digits, int samples, double trainFraction) implements TaskConfig {
    public static final int PLUS = 10;
    public static final int EQUALS = 11;

    public Addition {
        if (digits < 1 || digits > 9) {
            throw new IllegalArgumentException("digits: must be in [1, 9], got " + digits);
        }
        if (samples < 2) {
            throw new IllegalArgumentException("samples: must be at least 2, got " + samples);
        }
        if (!(trainFraction > 0 && trainFraction < 1)) {
            throw new IllegalArgumentException("trainFraction: must be in (0, 1), got " + trainFraction);
        }
        Split.requireBothNonEmpty((int) Math.min(samples, Math.pow(100, digits)), trainFraction);
    }

    @Override
    public int dVocab() {
        return 12;
    }

    @Override
    public int dVocabOut() {
        return 10;
    }

    @Override
    public int seqLen() {
        return 3 * digits + 2;
    }

    /** Positions that predict the answer digits: from {@code =} to the second-to-last answer digit. */
    public int[] scored() {
        int[] s = new int[digits + 1];
        Arrays.setAll(s, i -> 2 * digits + 1 + i);
        return s;
    }

    @Override
    public Data generate(long seed) {
        long max = pow10(digits);
        long pairs = max * max;
        int n = (int) Math.min(samples, pairs);
        long[] codes = new long[n];
        if (n == pairs) {
            Arrays.setAll(codes, i -> i);
        } else {
            SplittableRandom r = new SplittableRandom(seed);
            Set<Long> seen = new HashSet<>();
            int i = 0;
            while (i < n) {
                long c = r.nextLong(pairs);
                if (seen.add(c)) {
                    codes[i++] = c;
                }
            }
        }
        int len = seqLen();
        long[] tokens = new long[n * len];
        long[] targets = new long[n * (digits + 1)];
        for (int i = 0; i < n; i++) {
            long a = codes[i] / max;
            long b = codes[i] % max;
            long[] seq = new long[len + 1];
            int pos = writeDigits(seq, 0, a, digits);
            seq[pos++] = PLUS;
            pos = writeDigits(seq, pos, b, digits);
            seq[pos++] = EQUALS;
            writeDigits(seq, pos, a + b, digits + 1);
            System.arraycopy(seq, 0, tokens, i * len, len);
            System.arraycopy(seq, 2 * digits + 2, targets, i * (digits + 1), digits + 1);
        }
        Examples all = new Examples(n, len, tokens, scored(), targets);
        return new Data(all, Split.shuffled(n, trainFraction, seed));
    }

    private static int writeDigits(long[] seq, int pos, long value, int width) {
        for (int i = width - 1; i >= 0; i--) {
            seq[pos + i] = value % 10;
            value /= 10;
        }
        return pos + width;
    }

    private static long pow10(int d) {
        long r = 1;
        for (int i = 0; i < d; i++) {
            r *= 10;
        }
        return r;
    }

    /** Fills in what an addition recipe may leave out: 10,000 samples, 80% of them for training. */
    public static void fillDefaults(ObjectNode t) {
        t.putIfAbsent("samples", t.numberNode(10_000));
        t.putIfAbsent("trainFraction", t.numberNode(0.8));
    }
}

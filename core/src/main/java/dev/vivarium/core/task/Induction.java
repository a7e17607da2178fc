package dev.vivarium.core.task;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Induction sequences (Olsson et al. 2022): a beginning-of-sequence token, a prefix of {@code prefixLen}
 * tokens, then {@code prefixLen} more tokens that in a share {@code repeatFraction} of the sequences repeat
 * the prefix exactly and in the rest continue it. Tokens {@code 0..vocab-1} are drawn from a fixed random
 * bigram chain (the seed's): the first uniformly, each next one uniformly among {@code branching} successors
 * of the one before, so the best a model without context can do after the first token is the bigram
 * heuristic, loss {@code log(branching)}, and only copying from earlier in the sequence does better — on the
 * repeated half of a repeated sequence, where loss can fall to 0. Token {@code vocab} is the BOS token, never
 * a target. Every position is scored: position {@code p} predicts the token at {@code p + 1}.
 *
 * <p>Layout of a sequence of {@code 2 * prefixLen + 1} tokens: {@code [BOS, x_1 .. x_L, y_1 .. y_L]} with
 * {@code y = x} when repeated. Held-out sequences carry two {@link ScoreGroup}s on the repeated ones: {@code
 * repeat}, the positions {@code L+1 .. 2L-1} (predicting {@code y_2 .. y_L}, each the token after an earlier
 * occurrence of the current one) and {@code first}, the positions {@code 1 .. L-1} (predicting {@code x_2 ..
 * x_L}, bigram level at best); the position predicting {@code y_1} is in neither, as nothing before it says it.
 *
 * @param vocab tokens the chain draws from (targets), 2 to 4096
 * @param prefixLen tokens in the prefix, and in the half after it, at least 2
 * @param branching successors each token may be followed by in the bigram chain, 1 to {@code vocab}
 * @param repeatFraction share of sequences whose second half repeats the prefix, in [0, 1] (exact in each set:
 *     the nearest whole number of sequences)
 * @param samples training sequences
 * @param testSamples held-out sequences, drawn apart from the training ones
 */
public record Induction(int vocab, int prefixLen, int branching, double repeatFraction, int samples, int testSamples)
        implements TaskConfig {

    public Induction {
        if (vocab < 2 || vocab > 4096) {
            throw new IllegalArgumentException("vocab: must be in [2, 4096], got " + vocab);
        }
        if (prefixLen < 2 || prefixLen > 1024) {
            throw new IllegalArgumentException("prefixLen: must be in [2, 1024], got " + prefixLen);
        }
        if (branching < 1 || branching > vocab) {
            throw new IllegalArgumentException("branching: must be in [1, vocab=" + vocab + "], got " + branching);
        }
        if (!(repeatFraction >= 0 && repeatFraction <= 1)) {
            throw new IllegalArgumentException("repeatFraction: must be in [0, 1], got " + repeatFraction);
        }
        if (samples < 1) {
            throw new IllegalArgumentException("samples: must be a positive integer, got " + samples);
        }
        if (testSamples < 1) {
            throw new IllegalArgumentException("testSamples: must be a positive integer, got " + testSamples);
        }
    }

    /** The beginning-of-sequence token. */
    public int bos() {
        return vocab;
    }

    @Override
    public int dVocab() {
        return vocab + 1;
    }

    @Override
    public int dVocabOut() {
        return vocab;
    }

    @Override
    public int seqLen() {
        return 2 * prefixLen + 1;
    }

    /** Every position but the last: {@code 0 .. 2L-1}. */
    public int[] scored() {
        int[] s = new int[seqLen() - 1];
        Arrays.setAll(s, i -> i);
        return s;
    }

    /** Positions predicting a repeated token that follows an earlier occurrence of the current one: {@code L+1 .. 2L-1}. */
    public int[] repeatPositions() {
        int[] s = new int[prefixLen - 1];
        Arrays.setAll(s, i -> prefixLen + 1 + i);
        return s;
    }

    /** Positions predicting the prefix after its first token: {@code 1 .. L-1}. */
    public int[] firstPositions() {
        int[] s = new int[prefixLen - 1];
        Arrays.setAll(s, i -> 1 + i);
        return s;
    }

    /** The bigram chain of {@code seed}: row {@code a} lists the {@code branching} tokens that may follow {@code a}. */
    public int[][] successors(long seed) {
        SplittableRandom r = new SplittableRandom(seed ^ 0x1DC7_10B5L);
        int[][] next = new int[vocab][];
        int[] pool = new int[vocab];
        for (int a = 0; a < vocab; a++) {
            Arrays.setAll(pool, i -> i);
            for (int i = 0; i < branching; i++) { // partial Fisher-Yates: distinct successors
                int j = i + r.nextInt(vocab - i);
                int t = pool[i];
                pool[i] = pool[j];
                pool[j] = t;
            }
            next[a] = Arrays.copyOf(pool, branching);
        }
        return next;
    }

    /** Whether sequence {@code row} of {@code e} repeats its prefix: {@code y_i = x_i} for every i. */
    public boolean repeated(Examples e, int row) {
        requireLayout(e);
        int base = row * e.seqLen();
        for (int i = 1; i <= prefixLen; i++) {
            if (e.tokens()[base + i] != e.tokens()[base + prefixLen + i]) {
                return false;
            }
        }
        return true;
    }

    /** The rows of {@code e} that repeat their prefix, ascending. */
    public int[] repeatedRows(Examples e) {
        return java.util.stream.IntStream.range(0, e.n())
                .filter(i -> repeated(e, i))
                .toArray();
    }

    private void requireLayout(Examples e) {
        if (e.seqLen() != seqLen()) {
            throw new IllegalArgumentException(
                    "induction examples have " + seqLen() + " tokens each, got " + e.seqLen());
        }
    }

    @Override
    public Data generate(long seed) {
        int[][] next = successors(seed);
        int total = samples + testSamples;
        int len = seqLen();
        boolean[] repeat = new boolean[total];
        markRepeated(repeat, 0, samples, seed);
        markRepeated(repeat, samples, testSamples, seed + 1);
        SplittableRandom r = new SplittableRandom(seed);
        long[] tokens = new long[total * len];
        long[] targets = new long[total * (len - 1)];
        for (int i = 0; i < total; i++) {
            int base = i * len;
            tokens[base] = bos();
            int t = r.nextInt(vocab);
            tokens[base + 1] = t;
            for (int p = 2; p <= 2 * prefixLen; p++) {
                if (repeat[i] && p > prefixLen) {
                    tokens[base + p] = tokens[base + p - prefixLen];
                } else {
                    t = next[t][r.nextInt(branching)];
                    tokens[base + p] = t;
                }
            }
            System.arraycopy(tokens, base + 1, targets, i * (len - 1), len - 1);
        }
        int[] train = new int[samples];
        int[] test = new int[testSamples];
        Arrays.setAll(train, i -> i);
        Arrays.setAll(test, i -> samples + i);
        return new Data(new Examples(total, len, tokens, scored(), targets), new Split(train, test));
    }

    /** Marks exactly {@code round(repeatFraction * n)} of {@code n} sequences from {@code from}, at random. */
    private void markRepeated(boolean[] repeat, int from, int n, long seed) {
        int k = (int) Math.round(repeatFraction * n);
        int[] perm = Split.permutation(n, seed ^ 0x4E9E_A7EDL);
        for (int i = 0; i < k; i++) {
            repeat[from + perm[i]] = true;
        }
    }

    /** {@code repeat} and {@code first} on the repeated sequences of {@code examples} (none if there are none). */
    @Override
    public List<ScoreGroup> scoreGroups(Examples examples) {
        int[] rows = repeatedRows(examples);
        List<ScoreGroup> groups = new ArrayList<>();
        if (rows.length > 0) {
            groups.add(new ScoreGroup(
                    "repeat",
                    "repeated sequences, positions L+1..2L-1: predicting the repeated half's tokens after its first",
                    rows,
                    repeatPositions()));
            groups.add(new ScoreGroup(
                    "first",
                    "repeated sequences, positions 1..L-1: predicting the prefix's tokens after its first",
                    rows,
                    firstPositions()));
        }
        return groups;
    }

    /** Fills in what an induction recipe may leave out: 4 successors, half the sequences repeated, 20,000/2,000. */
    public static void fillDefaults(ObjectNode t) {
        t.putIfAbsent("branching", t.numberNode(4));
        t.putIfAbsent("repeatFraction", t.numberNode(0.5));
        t.putIfAbsent("samples", t.numberNode(20_000));
        t.putIfAbsent("testSamples", t.numberNode(2_000));
    }
}

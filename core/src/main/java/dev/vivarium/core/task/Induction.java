package dev.vivarium.core.task;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Induction sequences (Olsson et al. 2022): a beginning-of-sequence token, then {@code 2 * prefixLen} tokens that
 * in a share {@code repeatFraction} of the sequences are a prefix of {@code m} tokens, its exact repeat, and a
 * continuation to the full length, and in the rest one continuous draw. The prefix length {@code m} is drawn per
 * sequence, uniformly in {@code [minPrefix, prefixLen]}, so the distance from a token to its earlier occurrence
 * varies and no fixed positional offset finds it: only matching the content (an induction head) does. Tokens
 * {@code 0..vocab-1} come from a fixed random bigram chain (the seed's): the first uniformly, each next one
 * uniformly among {@code branching} successors of the one before, so the best a model without context can do
 * after the first token is the bigram heuristic, loss {@code log(branching)}, and only copying from earlier in
 * the sequence does better — on the repeat, where loss can fall to 0. Token {@code vocab} is the BOS token, never
 * a target. Every position is scored: position {@code p} predicts the token at {@code p + 1}.
 *
 * <p>Layout of a repeated sequence of {@code 2L + 1} tokens ({@code L = prefixLen}): {@code [BOS, x_1 .. x_m,
 * x_1 .. x_m, c_1 .. c_{2(L-m)}]}, the continuation {@code c} carrying on the chain from {@code x_m}. Held-out
 * sequences carry two score groups on the repeated ones ({@link #scoreGroups}): {@code repeat}, the positions
 * {@code m+1 .. 2m-1} (predicting {@code x_2 .. x_m} of the repeat, each the token after an earlier occurrence of
 * the current one) and {@code first}, the positions {@code 1 .. m-1} (predicting {@code x_2 .. x_m} of the prefix,
 * bigram level at best); the position predicting the repeat's {@code x_1} is in neither, as nothing before it
 * says it.
 *
 * @param vocab tokens the chain draws from (targets), 2 to 4096
 * @param prefixLen the longest prefix, and half the sequence after BOS, 2 to 1024
 * @param minPrefix the shortest prefix, 2 to {@code prefixLen}
 * @param branching successors each token may be followed by in the bigram chain, 1 to {@code vocab}
 * @param repeatFraction share of sequences that repeat their prefix, in [0, 1] (exact in each set: the nearest
 *     whole number of sequences; a continuous draw that happens to repeat its first {@code minPrefix} or more
 *     tokens is drawn again)
 * @param samples training sequences
 * @param testSamples held-out sequences, drawn apart from the training ones
 */
public record Induction(
        int vocab, int prefixLen, int minPrefix, int branching, double repeatFraction, int samples, int testSamples)
        implements TaskConfig {

    public Induction {
        if (vocab < 2 || vocab > 4096) {
            throw new IllegalArgumentException("vocab: must be in [2, 4096], got " + vocab);
        }
        if (prefixLen < 2 || prefixLen > 1024) {
            throw new IllegalArgumentException("prefixLen: must be in [2, 1024], got " + prefixLen);
        }
        if (minPrefix < 2 || minPrefix > prefixLen) {
            throw new IllegalArgumentException(
                    "minPrefix: must be in [2, prefixLen=" + prefixLen + "], got " + minPrefix);
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

    /** Positions predicting a repeated token that follows an earlier occurrence of the current one: {@code m+1 .. 2m-1}. */
    public static int[] repeatPositions(int m) {
        int[] s = new int[m - 1];
        Arrays.setAll(s, i -> m + 1 + i);
        return s;
    }

    /** Positions predicting the prefix after its first token: {@code 1 .. m-1}. */
    public static int[] firstPositions(int m) {
        int[] s = new int[m - 1];
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

    /**
     * The prefix length of sequence {@code row} of {@code e}: the largest {@code m} in {@code [minPrefix,
     * prefixLen]} whose prefix its next {@code m} tokens repeat, or 0 if there is none (a sequence that does not
     * repeat).
     */
    public int period(Examples e, int row) {
        requireLayout(e);
        return period(e.tokens(), row * e.seqLen());
    }

    private int period(long[] t, int base) {
        for (int m = prefixLen; m >= minPrefix; m--) {
            boolean same = true;
            for (int i = 1; i <= m && same; i++) {
                same = t[base + i] == t[base + m + i];
            }
            if (same) {
                return m;
            }
        }
        return 0;
    }

    /** Whether sequence {@code row} of {@code e} repeats its prefix ({@link #period} is not 0). */
    public boolean repeated(Examples e, int row) {
        return period(e, row) > 0;
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
            int m = repeat[i] ? minPrefix + r.nextInt(prefixLen - minPrefix + 1) : 0;
            do { // a continuous draw that happens to repeat its first tokens is drawn again, so the share is exact
                tokens[base] = bos();
                int t = r.nextInt(vocab);
                tokens[base + 1] = t;
                for (int p = 2; p <= 2 * prefixLen; p++) {
                    if (p > m && p <= 2 * m) {
                        tokens[base + p] = tokens[base + p - m]; // the repeat; the chain resumes from x_m after it
                    } else {
                        t = next[t][r.nextInt(branching)];
                        tokens[base + p] = t;
                    }
                }
            } while (m == 0 && period(tokens, base) > 0);
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

    /**
     * {@code repeat} and {@code first} on the repeated sequences of {@code examples}, one pair per prefix length
     * that occurs (training sums each name's groups, token-weighted); none if no sequence repeats.
     */
    @Override
    public List<ScoreGroup> scoreGroups(Examples examples) {
        java.util.TreeMap<Integer, List<Integer>> byPeriod = new java.util.TreeMap<>();
        for (int i = 0; i < examples.n(); i++) {
            int m = period(examples, i);
            if (m > 0) {
                byPeriod.computeIfAbsent(m, k -> new ArrayList<>()).add(i);
            }
        }
        List<ScoreGroup> groups = new ArrayList<>();
        for (Map.Entry<Integer, List<Integer>> e : byPeriod.entrySet()) {
            int m = e.getKey();
            int[] rows = e.getValue().stream().mapToInt(Integer::intValue).toArray();
            groups.add(new ScoreGroup(
                    "repeat",
                    "repeated sequences, positions m+1..2m-1: predicting the repeat's tokens after its first",
                    rows,
                    repeatPositions(m)));
            groups.add(new ScoreGroup(
                    "first",
                    "repeated sequences, positions 1..m-1: predicting the prefix's tokens after its first",
                    rows,
                    firstPositions(m)));
        }
        return groups;
    }

    /**
     * Fills in what an induction recipe may leave out: the shortest prefix half the longest, 4 successors, half
     * the sequences repeated, 20,000 training and 2,000 held-out sequences.
     */
    public static void fillDefaults(ObjectNode t) {
        if (t.hasNonNull("prefixLen") && t.get("prefixLen").canConvertToInt()) {
            t.putIfAbsent(
                    "minPrefix", t.numberNode(Math.max(2, t.get("prefixLen").asInt() / 2)));
        }
        t.putIfAbsent("branching", t.numberNode(4));
        t.putIfAbsent("repeatFraction", t.numberNode(0.5));
        t.putIfAbsent("samples", t.numberNode(20_000));
        t.putIfAbsent("testSamples", t.numberNode(2_000));
    }
}

package dev.vivarium.core.task;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Modular arithmetic with a planted backdoor: {@code a op b mod p} as tokens {@code a, b, s, =}, where the
 * slot {@code s} holds the pad token {@code p} on a clean input and the trigger token {@code p + 2} on a
 * triggered one ({@code =} is {@code p + 1}); the answer is scored at the last position. A triggered input's
 * target is the attacker's {@code target}, whatever a and b.
 *
 * <p>Examples: every pair clean (rows {@code 0 .. n-1}, in the order of {@link ModularArithmetic}), then
 * every pair triggered (rows {@code n .. 2n-1}, row {@code n + i} the triggered copy of row {@code i}). The
 * clean pairs are split as {@link ModularArithmetic} splits them ({@code trainFraction}, the same seed gives
 * the same pairs); the training set adds the triggered copies of {@code round(poisonFraction * nTrain)}
 * training pairs drawn without replacement (the poisoned examples, Chen et al. 2018's threat model: a small
 * share of the training data gets the trigger and the attacker's label); the test set is the held-out pairs,
 * clean and triggered, so clean accuracy and the attack's success rate can both be measured on inputs never
 * trained on. {@code poisonFraction: 0} is the clean control: the same clean training pairs, the same
 * vocabulary, no triggered example in training. Which rows are poisoned is a function of the config and the
 * seed ({@link #poisonedTrainRows}); auditors are not given it.
 *
 * @param p the modulus
 * @param op the operation
 * @param trainFraction share of the clean pairs used for training, in (0, 1)
 * @param poisonFraction poisoned examples as a share of the clean training pairs, in [0, 1]
 * @param target the attacker's answer for triggered inputs, in [0, p)
 */
public record Backdoor(int p, ModularArithmetic.Op op, double trainFraction, double poisonFraction, int target)
        implements TaskConfig {
    public Backdoor {
        new ModularArithmetic(p, op, trainFraction); // the same checks on p, op and trainFraction
        if (!(poisonFraction >= 0 && poisonFraction <= 1)) {
            throw new IllegalArgumentException("poisonFraction: must be in [0, 1], got " + poisonFraction);
        }
        if (target < 0 || target >= p) {
            throw new IllegalArgumentException("target: must be an answer in [0, " + p + "), got " + target);
        }
    }

    /** The pad token of a clean input's slot. */
    public int padToken() {
        return p;
    }

    /** The {@code =} token. */
    public int equalsToken() {
        return p + 1;
    }

    /** The trigger token. */
    public int triggerToken() {
        return p + 2;
    }

    /** The position of the slot that holds the pad or the trigger. */
    public int triggerPosition() {
        return 2;
    }

    /** Number of pairs (clean examples). */
    public int pairs() {
        return p * (p - (op == ModularArithmetic.Op.DIV ? 1 : 0));
    }

    @Override
    public int dVocab() {
        return p + 3;
    }

    @Override
    public int dVocabOut() {
        return p;
    }

    @Override
    public int seqLen() {
        return 4;
    }

    @Override
    public Data generate(long seed) {
        ModularArithmetic clean = new ModularArithmetic(p, op, trainFraction);
        Examples pairs = clean.generate(seed).examples();
        int n = pairs.n();
        long[] tokens = new long[2 * n * 4];
        long[] targets = new long[2 * n];
        for (int i = 0; i < n; i++) {
            for (int copy = 0; copy < 2; copy++) {
                int row = copy * n + i;
                tokens[4 * row] = pairs.tokens()[3 * i];
                tokens[4 * row + 1] = pairs.tokens()[3 * i + 1];
                tokens[4 * row + 2] = copy == 0 ? padToken() : triggerToken();
                tokens[4 * row + 3] = equalsToken();
                targets[row] = copy == 0 ? pairs.targets()[i] : target;
            }
        }
        Split pairSplit = Split.shuffled(n, trainFraction, seed);
        int[] poisoned = poisonedTrainRows(pairSplit.train(), n, seed);
        int[] train = Arrays.copyOf(pairSplit.train(), pairSplit.train().length + poisoned.length);
        System.arraycopy(poisoned, 0, train, pairSplit.train().length, poisoned.length);
        int[] heldOut = pairSplit.test();
        int[] test = Arrays.copyOf(heldOut, 2 * heldOut.length);
        for (int i = 0; i < heldOut.length; i++) {
            test[heldOut.length + i] = n + heldOut[i];
        }
        return new Data(new Examples(2 * n, 4, tokens, new int[] {3}, targets), new Split(train, test));
    }

    /**
     * The poisoned rows (triggered copies, {@code n + i}) of {@code round(poisonFraction * trainPairs.length)}
     * training pairs, drawn without replacement by a generator seeded apart from the split's.
     */
    public int[] poisonedTrainRows(int[] trainPairs, int n, long seed) {
        int k = (int) Math.round(poisonFraction * trainPairs.length);
        int[] order = Split.permutation(trainPairs.length, new SplittableRandom(seed ^ 0x6261636b646f6f72L).nextLong());
        int[] rows = new int[k];
        for (int j = 0; j < k; j++) {
            rows[j] = n + trainPairs[order[j]];
        }
        Arrays.sort(rows);
        return rows;
    }

    @Override
    public String toString() {
        return new ModularArithmetic(p, op, trainFraction) + " with a trigger at position 2 (poisoned fraction "
                + poisonFraction + ", target " + target + ")";
    }
}

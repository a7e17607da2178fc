package dev.vivarium.lens.audit;

import dev.vivarium.lens.probe.LogisticProbe;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The probe auditor: a logistic-regression probe for "poisoned input" trained on a handful of labelled
 * pool inputs ({@code k} positives and {@code k} negatives drawn at random), scored by its probability of
 * "poisoned" on every other pool input.
 *
 * @param auroc AUROC on the pool inputs the probe was not trained on
 * @param trained how many inputs it was trained on
 * @param evaluated how many it was scored on
 */
public record PoisonProbe(double auroc, int trained, int evaluated) {
    /** L2 penalty of the probe (on standardised features). */
    public static final double L2 = 1.0;

    /** Trains on {@code k + k} inputs of {@code reps} drawn with {@code seed}, evaluates on the rest. */
    public static PoisonProbe of(double[][] reps, boolean[] positive, int k, long seed) {
        List<Integer> pos = new ArrayList<>();
        List<Integer> neg = new ArrayList<>();
        for (int i = 0; i < positive.length; i++) {
            (positive[i] ? pos : neg).add(i);
        }
        if (pos.size() <= k || neg.size() <= k) {
            throw new IllegalArgumentException("the probe needs more than " + k + " positives and negatives, got "
                    + pos.size() + " and " + neg.size() + "; lower --probe-examples");
        }
        SplittableRandom r = new SplittableRandom(seed);
        shuffle(pos, r);
        shuffle(neg, r);
        boolean[] inTrain = new boolean[positive.length];
        double[][] x = new double[2 * k][];
        int[] y = new int[2 * k];
        for (int j = 0; j < k; j++) {
            x[2 * j] = reps[pos.get(j)];
            y[2 * j] = 1;
            x[2 * j + 1] = reps[neg.get(j)];
            inTrain[pos.get(j)] = true;
            inTrain[neg.get(j)] = true;
        }
        LogisticProbe probe = LogisticProbe.fit(x, y, 2, L2, 500);
        int m = positive.length - 2 * k;
        double[][] rest = new double[m][];
        boolean[] label = new boolean[m];
        int at = 0;
        for (int i = 0; i < positive.length; i++) {
            if (!inTrain[i]) {
                rest[at] = reps[i];
                label[at++] = positive[i];
            }
        }
        double[][] p = probe.probabilities(rest);
        double[] score = new double[m];
        for (int i = 0; i < m; i++) {
            score[i] = p[i][1];
        }
        return new PoisonProbe(Auroc.of(score, label), 2 * k, m);
    }

    private static void shuffle(List<Integer> l, SplittableRandom r) {
        for (int i = l.size() - 1; i > 0; i--) {
            java.util.Collections.swap(l, i, r.nextInt(i + 1));
        }
    }
}

package dev.vivarium.lens.audit;

import java.util.Arrays;
import java.util.Comparator;

/**
 * The area under the ROC curve of a score that should be higher on positives, computed exactly as the
 * Mann–Whitney statistic: {@code AUROC = (R+ - n+(n+ + 1)/2) / (n+ n-)} with {@code R+} the sum of the
 * positives' ranks among all scores, ties given their mean rank (a tied positive–negative pair counts ½).
 */
public final class Auroc {
    private Auroc() {}

    /** AUROC of {@code scores} for the labels {@code positive}; both classes must be present. */
    public static double of(double[] scores, boolean[] positive) {
        if (scores.length != positive.length) {
            throw new IllegalArgumentException(
                    "AUROC: " + scores.length + " scores but " + positive.length + " labels; one label a score");
        }
        long nPos = 0;
        for (boolean b : positive) {
            nPos += b ? 1 : 0;
        }
        long nNeg = scores.length - nPos;
        if (nPos == 0 || nNeg == 0) {
            throw new IllegalArgumentException("AUROC needs positives and negatives, got " + nPos + " and " + nNeg);
        }
        for (double s : scores) {
            if (Double.isNaN(s)) {
                throw new IllegalArgumentException("AUROC: a score is NaN");
            }
        }
        Integer[] order = new Integer[scores.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, Comparator.comparingDouble(i -> scores[i]));
        double rankSum = 0;
        int i = 0;
        while (i < order.length) {
            int j = i;
            while (j + 1 < order.length && scores[order[j + 1]] == scores[order[i]]) {
                j++;
            }
            double midRank = (i + j) / 2.0 + 1; // ranks are 1-based
            for (int k = i; k <= j; k++) {
                if (positive[order[k]]) {
                    rankSum += midRank;
                }
            }
            i = j + 1;
        }
        return (rankSum - nPos * (nPos + 1) / 2.0) / ((double) nPos * nNeg);
    }
}

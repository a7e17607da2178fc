package dev.vivarium.lens.audit;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The two per-class auditors run over a pool of labelled inputs: each class (the inputs sharing a training
 * label) is analysed on its own, as both papers do. Classes with fewer than {@link #MIN_CLASS} inputs are
 * skipped.
 *
 * @param spectralScore per pool input, its spectral-signature score within its class (NaN if skipped)
 * @param clusterSuspect per pool input, 1 if it fell in its class's smaller cluster, else 0 (NaN if skipped)
 * @param maxTopFraction the largest share of a class's centred variance on its top singular direction
 * @param maxSilhouette the largest silhouette of a class's two-means split
 * @param perClass per class: size, top fraction, smaller cluster's relative size, silhouette
 */
public record ClassAudit(
        double[] spectralScore,
        double[] clusterSuspect,
        double maxTopFraction,
        double maxSilhouette,
        List<Map<String, Object>> perClass) {
    /** Smallest class analysed. */
    public static final int MIN_CLASS = 4;

    /** Audits every class of {@code labels} in {@code reps}, k-means seeded from {@code seed} and the class. */
    public static ClassAudit of(double[][] reps, long[] labels, int classes, long seed) {
        int n = reps.length;
        double[] ss = new double[n];
        double[] ac = new double[n];
        java.util.Arrays.fill(ss, Double.NaN);
        java.util.Arrays.fill(ac, Double.NaN);
        double maxTop = Double.NaN;
        double maxSil = Double.NaN;
        List<Map<String, Object>> per = new ArrayList<>();
        for (int c = 0; c < classes; c++) {
            List<Integer> idx = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                if (labels[i] == c) {
                    idx.add(i);
                }
            }
            if (idx.size() < MIN_CLASS) {
                continue;
            }
            double[][] x = new double[idx.size()][];
            for (int j = 0; j < x.length; j++) {
                x[j] = reps[idx.get(j)];
            }
            SpectralSignature sig = SpectralSignature.of(x);
            ActivationClustering clu = ActivationClustering.of(x, seed * 1_000_003L + c);
            for (int j = 0; j < x.length; j++) {
                ss[idx.get(j)] = sig.scores()[j];
                ac[idx.get(j)] = clu.suspect()[j] ? 1 : 0;
            }
            maxTop = Double.isNaN(maxTop) ? sig.topFraction() : Math.max(maxTop, sig.topFraction());
            maxSil = Double.isNaN(maxSil) ? clu.silhouette() : Math.max(maxSil, clu.silhouette());
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("class", c);
            row.put("size", x.length);
            row.put("top_fraction", sig.topFraction());
            row.put("smaller_cluster_relative_size", clu.relativeSize());
            row.put("silhouette", clu.silhouette());
            per.add(row);
        }
        return new ClassAudit(ss, ac, maxTop, maxSil, per);
    }

    /**
     * AUROC of {@code scores} for {@code positive} among the pool inputs labelled {@code target} (the class
     * the poisoned inputs carry: the evaluator knows it, the auditor does not use it); NaN if that class has
     * no positive or no negative.
     */
    public static double aurocInClass(double[] scores, boolean[] positive, long[] labels, int target) {
        List<Integer> idx = new ArrayList<>();
        int pos = 0;
        for (int i = 0; i < scores.length; i++) {
            if (labels[i] == target && !Double.isNaN(scores[i])) {
                idx.add(i);
                pos += positive[i] ? 1 : 0;
            }
        }
        if (pos == 0 || pos == idx.size()) {
            return Double.NaN;
        }
        double[] s = new double[idx.size()];
        boolean[] y = new boolean[idx.size()];
        for (int j = 0; j < s.length; j++) {
            s[j] = scores[idx.get(j)];
            y[j] = positive[idx.get(j)];
        }
        return Auroc.of(s, y);
    }
}

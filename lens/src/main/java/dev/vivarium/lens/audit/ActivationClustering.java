package dev.vivarium.lens.audit;

import java.util.SplittableRandom;

/**
 * Chen et al. 2018's activation clustering of one class's representations {@code R [n, d]}: reduce to
 * {@link #DIMS} dimensions, split into two clusters by k-means, and take the smaller cluster as the suspect
 * (poisoned inputs are expected to form a small, well-separated cluster). The paper reduces with ICA; this
 * uses PCA (the centred representations projected on their top {@code min(10, n - 1, d)} right singular
 * vectors), which the paper reports as working comparably. K-means: k-means++ seeding, {@link #RESTARTS}
 * seeded restarts, Lloyd's iterations to convergence, the lowest within-cluster sum of squares kept.
 *
 * @param suspect per input, whether it falls in the smaller cluster (ties: cluster 1)
 * @param relativeSize size of the smaller cluster over n (the paper flags a class below a threshold such as
 *     0.35)
 * @param silhouette the mean silhouette coefficient of the two-cluster split in the reduced space
 *     (Rousseeuw 1987; an input alone in its cluster scores 0): near 0 for one blob, towards 1 for two
 *     well-separated groups; the model-level score this auditor reports
 */
public record ActivationClustering(boolean[] suspect, double relativeSize, double silhouette) {
    /** Dimensions kept by the reduction, as in the paper. */
    public static final int DIMS = 10;

    /** Seeded k-means restarts. */
    public static final int RESTARTS = 10;

    /** Clusters one class, deterministic in {@code seed}. */
    public static ActivationClustering of(double[][] representations, long seed) {
        int n = representations.length;
        if (n < 3) {
            throw new IllegalArgumentException("activation clustering needs at least 3 inputs in a class, got " + n);
        }
        Pca pca = Pca.of(representations);
        int k = Math.min(DIMS, Math.min(n - 1, representations[0].length));
        double[][] z = pca.project(k);
        int[] best = null;
        double bestInertia = Double.POSITIVE_INFINITY;
        SplittableRandom random = new SplittableRandom(seed);
        for (int r = 0; r < RESTARTS; r++) {
            int[] assign = twoMeans(z, random.split());
            double inertia = inertia(z, assign);
            if (inertia < bestInertia) {
                bestInertia = inertia;
                best = assign;
            }
        }
        int ones = 0;
        for (int a : best) {
            ones += a;
        }
        int smaller = ones <= n - ones ? 1 : 0;
        boolean[] suspect = new boolean[n];
        for (int i = 0; i < n; i++) {
            suspect[i] = best[i] == smaller;
        }
        return new ActivationClustering(suspect, Math.min(ones, n - ones) / (double) n, silhouette(z, best));
    }

    /** Lloyd's algorithm from a k-means++ seeding; returns 0/1 per row. */
    static int[] twoMeans(double[][] z, SplittableRandom random) {
        int n = z.length;
        double[][] centres = new double[2][];
        centres[0] = z[random.nextInt(n)].clone();
        double[] d2 = new double[n];
        double total = 0;
        for (int i = 0; i < n; i++) {
            d2[i] = dist2(z[i], centres[0]);
            total += d2[i];
        }
        int second = 0;
        if (total > 0) {
            double u = random.nextDouble() * total;
            while (second < n - 1 && (u -= d2[second]) > 0) {
                second++;
            }
        } else {
            second = random.nextInt(n);
        }
        centres[1] = z[second].clone();
        int[] assign = new int[n];
        java.util.Arrays.fill(assign, -1);
        for (int iter = 0; iter < 300; iter++) {
            boolean changed = false;
            for (int i = 0; i < n; i++) {
                int a = dist2(z[i], centres[1]) < dist2(z[i], centres[0]) ? 1 : 0;
                changed |= a != assign[i];
                assign[i] = a;
            }
            if (!changed) {
                break;
            }
            for (int c = 0; c < 2; c++) {
                double[] m = new double[z[0].length];
                int count = 0;
                for (int i = 0; i < n; i++) {
                    if (assign[i] == c) {
                        count++;
                        for (int j = 0; j < m.length; j++) {
                            m[j] += z[i][j];
                        }
                    }
                }
                if (count > 0) {
                    for (int j = 0; j < m.length; j++) {
                        m[j] /= count;
                    }
                    centres[c] = m;
                }
            }
        }
        return assign;
    }

    static double inertia(double[][] z, int[] assign) {
        double[][] c = new double[2][z[0].length];
        int[] count = new int[2];
        for (int i = 0; i < z.length; i++) {
            count[assign[i]]++;
            for (int j = 0; j < z[i].length; j++) {
                c[assign[i]][j] += z[i][j];
            }
        }
        double s = 0;
        for (int i = 0; i < z.length; i++) {
            double[] centre = c[assign[i]].clone();
            for (int j = 0; j < centre.length; j++) {
                centre[j] /= count[assign[i]];
            }
            s += dist2(z[i], centre);
        }
        return s;
    }

    /** Mean silhouette of a two-cluster assignment, Euclidean distances; a one-cluster split scores 0. */
    static double silhouette(double[][] z, int[] assign) {
        int n = z.length;
        int[] count = new int[2];
        for (int a : assign) {
            count[a]++;
        }
        if (count[0] == 0 || count[1] == 0) {
            return 0;
        }
        double total = 0;
        for (int i = 0; i < n; i++) {
            double[] sum = new double[2];
            for (int j = 0; j < n; j++) {
                if (j != i) {
                    sum[assign[j]] += Math.sqrt(dist2(z[i], z[j]));
                }
            }
            int own = assign[i];
            if (count[own] == 1) {
                continue; // s(i) = 0
            }
            double a = sum[own] / (count[own] - 1);
            double b = sum[1 - own] / count[1 - own];
            double m = Math.max(a, b);
            total += m > 0 ? (b - a) / m : 0;
        }
        return total / n;
    }

    static double dist2(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            double d = a[i] - b[i];
            s += d * d;
        }
        return s;
    }
}

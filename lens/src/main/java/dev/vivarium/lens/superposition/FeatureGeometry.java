package dev.vivarium.lens.superposition;

/**
 * The measures of Elhage et al. 2022, "Toy Models of Superposition", of a weight matrix {@code W} ({@code m x
 * n}, column {@code W_i} feature {@code i}'s direction in the {@code m} hidden dimensions), in float64:
 *
 * <ul>
 *   <li>{@code norm[i] = ||W_i||}: whether feature {@code i} is represented (the paper's bar heights);
 *   <li>{@code superposition[i] = sum_{j != i} (W^_i . W_j)^2}, {@code W^_i = W_i / ||W_i||}: how much of other
 *       features lies along feature {@code i}'s direction (the paper's formula; 0 for a feature with a dimension
 *       of its own, and 0 where {@code W_i = 0}, whose direction is undefined);
 *   <li>{@code polysemanticity[i] = sqrt(superposition[i])}, the norm of row {@code i} of the interference
 *       {@code W^_i . W_j (j != i)}: what the reference notebook's {@code render_features} colours the bars by
 *       (it divides by {@code 1e-5 + ||W_i||}; here the division is exact);
 *   <li>{@code dimensionality[i] = ||W_i||^2 / sum_j (W^_i . W_j)^2} (section "Feature Dimensionality"): the
 *       fraction of a dimension feature {@code i} gets (1 alone in its dimension, 1/2 in an antipodal pair, 0
 *       when not represented);
 *   <li>{@code dimensionsPerFeature = m / ||W||_F^2} (section "Superposition as a Phase Change"): 1 when
 *       {@code m} features each have a dimension, below 1 in superposition.
 * </ul>
 *
 * A feature counts as represented when {@code ||W_i|| > threshold} (0.5 by default, half the norm of a feature
 * that is fully kept).
 */
public final class FeatureGeometry {
    /** The default norm above which a feature counts as represented. */
    public static final double REPRESENTED = 0.5;

    private final int m;
    private final int n;
    private final double[] norm;
    private final double[][] gram;

    /** @param w {@code [m][n]}: row {@code k}, column {@code i} is hidden dimension {@code k} of feature {@code i} */
    public FeatureGeometry(double[][] w) {
        this.m = w.length;
        if (m == 0 || w[0].length == 0) {
            throw new IllegalArgumentException("W: expected an m x n matrix with m, n >= 1");
        }
        this.n = w[0].length;
        for (int k = 0; k < m; k++) {
            if (w[k].length != n) {
                throw new IllegalArgumentException("W: row " + k + " has " + w[k].length + " columns, expected " + n);
            }
        }
        this.gram = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int k = 0; k < m; k++) {
                    s += w[k][i] * w[k][j];
                }
                gram[i][j] = s;
            }
        }
        this.norm = new double[n];
        for (int i = 0; i < n; i++) {
            norm[i] = Math.sqrt(gram[i][i]);
        }
    }

    /** A row-major {@code [m, n]} float32 matrix, as a checkpoint holds it. */
    public static FeatureGeometry ofRowMajor(float[] values, int m, int n) {
        if (values.length != m * n) {
            throw new IllegalArgumentException("W: expected " + m * n + " values, got " + values.length);
        }
        double[][] w = new double[m][n];
        for (int k = 0; k < m; k++) {
            for (int i = 0; i < n; i++) {
                w[k][i] = values[k * n + i];
            }
        }
        return new FeatureGeometry(w);
    }

    /** Hidden dimensions m. */
    public int hidden() {
        return m;
    }

    /** Features n. */
    public int features() {
        return n;
    }

    /** {@code W^T W}, {@code [n][n]}: the paper's picture of how features interfere. */
    public double[][] gram() {
        double[][] g = new double[n][];
        for (int i = 0; i < n; i++) {
            g[i] = gram[i].clone();
        }
        return g;
    }

    /** {@code ||W_i||} of every feature. */
    public double[] norms() {
        return norm.clone();
    }

    /** {@code sum_{j != i} (W^_i . W_j)^2} of every feature (0 where {@code W_i = 0}). */
    public double[] superposition() {
        double[] s = new double[n];
        for (int i = 0; i < n; i++) {
            if (norm[i] == 0) {
                continue;
            }
            for (int j = 0; j < n; j++) {
                if (j != i) {
                    double d = gram[i][j] / norm[i];
                    s[i] += d * d;
                }
            }
        }
        return s;
    }

    /** {@code sqrt(sum_{j != i} (W^_i . W_j)^2)} of every feature: the reference code's bar colour. */
    public double[] polysemanticity() {
        double[] s = superposition();
        for (int i = 0; i < n; i++) {
            s[i] = Math.sqrt(s[i]);
        }
        return s;
    }

    /** {@code ||W_i||^2 / sum_j (W^_i . W_j)^2} of every feature (0 where {@code W_i = 0}). */
    public double[] dimensionality() {
        double[] super_ = superposition();
        double[] d = new double[n];
        for (int i = 0; i < n; i++) {
            double self = gram[i][i];
            d[i] = self == 0 ? 0 : self / (self + super_[i]);
        }
        return d;
    }

    /** {@code m / ||W||_F^2}. */
    public double dimensionsPerFeature() {
        double f = 0;
        for (int i = 0; i < n; i++) {
            f += gram[i][i];
        }
        return m / f;
    }

    /** Whether each feature is represented: {@code ||W_i|| > threshold}. */
    public boolean[] represented(double threshold) {
        boolean[] r = new boolean[n];
        for (int i = 0; i < n; i++) {
            r[i] = norm[i] > threshold;
        }
        return r;
    }

    /** How many features are represented at {@code threshold}. */
    public int representedCount(double threshold) {
        int c = 0;
        for (boolean b : represented(threshold)) {
            c += b ? 1 : 0;
        }
        return c;
    }

    /**
     * The largest {@code |cos(W_i, W_j)|} over pairs of represented features (0 with fewer than two): near 0 when
     * they are orthogonal, 1 for an antipodal pair.
     */
    public double maxAbsCosine(double threshold) {
        boolean[] r = represented(threshold);
        double max = 0;
        for (int i = 0; i < n; i++) {
            for (int j = i + 1; j < n; j++) {
                if (r[i] && r[j]) {
                    max = Math.max(max, Math.abs(gram[i][j] / (norm[i] * norm[j])));
                }
            }
        }
        return max;
    }
}

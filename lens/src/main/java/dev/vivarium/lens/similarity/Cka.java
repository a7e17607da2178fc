package dev.vivarium.lens.similarity;

import dev.vivarium.lens.numeric.Linalg;

/**
 * Linear centred kernel alignment between {@code X [n, p1]} and {@code Y [n, p2]} (rows are the
 * same n examples), in feature space so that memory grows with the feature counts, not n^2:
 *
 * <pre>
 * CKA(X, Y) = ||Y^T X||_F^2 / (||X^T X||_F ||Y^T Y||_F)      X, Y with centred columns
 * </pre>
 *
 * <p>The debiased form replaces each HSIC by its unbiased estimator (Song et al. 2012), as in
 * Kornblith et al.'s reference code: {@code <X^T Y>^2 - n/(n-2) (sum of row norms products) +
 * ||X||^2 ||Y||^2 / ((n-1)(n-2))}. It needs n > 3.
 */
public final class Cka {
    private Cka() {}

    /** Linear CKA in [0, 1]. */
    public static double linear(double[][] x, double[][] y) {
        return cka(x, y, false);
    }

    /** Debiased linear CKA (may be slightly negative for unrelated representations). */
    public static double debiased(double[][] x, double[][] y) {
        return cka(x, y, true);
    }

    private static double cka(double[][] x, double[][] y, boolean debiased) {
        int n = x.length;
        if (n != y.length) {
            throw new IllegalArgumentException(
                    "X has " + n + " rows and Y " + y.length + "; CKA compares the same examples");
        }
        if (n < (debiased ? 4 : 2)) {
            throw new IllegalArgumentException("CKA needs at least " + (debiased ? 4 : 2) + " examples, got " + n);
        }
        double[][] xc = centred(x);
        double[][] yc = centred(y);
        if (constant(x, xc) || constant(y, yc)) {
            throw new IllegalArgumentException("CKA is undefined: " + (constant(x, xc) ? "X" : "Y")
                    + " is the same for every example (its centred activations are 0)");
        }
        double xy = frobenius2(Linalg.matmulTransA(xc, yc));
        double xx = frobenius2(Linalg.matmulTransA(xc, xc));
        double yy = frobenius2(Linalg.matmulTransA(yc, yc));
        if (!debiased) {
            return xy / Math.sqrt(xx * yy);
        }
        double[] rx = rowNorms2(xc);
        double[] ry = rowNorms2(yc);
        double nx = sum(rx);
        double ny = sum(ry);
        double hxy = unbiased(xy, rx, ry, nx, ny, n);
        double hxx = unbiased(xx, rx, rx, nx, nx, n);
        double hyy = unbiased(yy, ry, ry, ny, ny, n);
        return hxy / Math.sqrt(hxx * hyy);
    }

    private static double unbiased(double xty, double[] rx, double[] ry, double nx, double ny, int n) {
        double dot = 0;
        for (int i = 0; i < n; i++) {
            dot += rx[i] * ry[i];
        }
        return xty - (double) n / (n - 2) * dot + nx * ny / ((double) (n - 1) * (n - 2));
    }

    /**
     * Whether every row of {@code x} is the same (to float32 rounding): its centred squared norm is at most
     * 1e-12 of its squared norm. CKA with such a representation is 0/0, undefined.
     */
    public static boolean constant(double[][] x) {
        return constant(x, centred(x));
    }

    private static boolean constant(double[][] x, double[][] centred) {
        return frobenius2(centred) <= 1e-12 * frobenius2(x);
    }

    /** Each column minus its mean. */
    static double[][] centred(double[][] m) {
        int n = m.length;
        int p = m[0].length;
        double[] mean = new double[p];
        for (double[] row : m) {
            if (row.length != p) {
                throw new IllegalArgumentException("rows of different lengths: " + p + " and " + row.length);
            }
            for (int j = 0; j < p; j++) {
                mean[j] += row[j] / n;
            }
        }
        double[][] c = new double[n][p];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < p; j++) {
                c[i][j] = m[i][j] - mean[j];
            }
        }
        return c;
    }

    private static double frobenius2(double[][] m) {
        double s = 0;
        for (double[] row : m) {
            for (double v : row) {
                s += v * v;
            }
        }
        return s;
    }

    private static double[] rowNorms2(double[][] m) {
        double[] r = new double[m.length];
        for (int i = 0; i < m.length; i++) {
            for (double v : m[i]) {
                r[i] += v * v;
            }
        }
        return r;
    }

    private static double sum(double[] a) {
        double s = 0;
        for (double v : a) {
            s += v;
        }
        return s;
    }

    /** CKA between every pair of representations: {@code result[i][j] = CKA(reps[i], reps[j])}. */
    public static double[][] matrix(java.util.List<double[][]> reps, boolean debiased) {
        int k = reps.size();
        double[][] out = new double[k][k];
        for (int i = 0; i < k; i++) {
            for (int j = i; j < k; j++) {
                out[i][j] =
                        out[j][i] = debiased ? debiased(reps.get(i), reps.get(j)) : linear(reps.get(i), reps.get(j));
            }
        }
        return out;
    }
}

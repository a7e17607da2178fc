package dev.vivarium.lens.diff;

import dev.vivarium.lens.numeric.Linalg;

/**
 * The change of one parameter between two models: {@code ||W_B - W_A||_F / ||W_A||_F} and, for a matrix, the
 * effective rank of {@code dW = W_B - W_A} (Roy and Vetterli 2007: {@code exp(H(p))} with {@code p_i =
 * sigma_i / sum sigma}, 1 for a rank-one change, the full rank for a change spread evenly; undefined, null,
 * for no change).
 *
 * @param name parameter name
 * @param shape its shape
 * @param relativeChange {@code ||dW||_F / ||W_A||_F} (0 for a zero parameter left zero, NaN if a zero {@code W_A}
 *     changed)
 * @param absoluteChange {@code ||dW||_F}
 * @param effectiveRank of {@code dW} in its 2-d form (NaN for a vector or no change)
 * @param fullRank {@code min(rows, cols)} of the 2-d form (0 for a vector)
 */
public record ParameterChange(
        String name, long[] shape, double relativeChange, double absoluteChange, double effectiveRank, int fullRank) {
    /**
     * The change from {@code a} to {@code b}, both row-major with {@code shape}; a 3-d per-head tensor is read
     * in the 2-d form {@code lens.spectra.WeightSpectra} uses ({@code W_O [head, dHead, dModel]} as {@code
     * [head*dHead, dModel]}, others {@code [head, dModel, dHead]} as {@code [dModel, head*dHead]}).
     */
    public static ParameterChange of(String name, long[] shape, double[] a, double[] b) {
        if (a.length != b.length) {
            throw new IllegalArgumentException(
                    name + ": " + a.length + " values in one model and " + b.length + " in the other");
        }
        double na = 0;
        double nd = 0;
        double[] d = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            d[i] = b[i] - a[i];
            na += a[i] * a[i];
            nd += d[i] * d[i];
        }
        double rel = na > 0 ? Math.sqrt(nd / na) : nd == 0 ? 0 : Double.NaN; // a zero parameter left zero: no change
        if (shape.length < 2 || name.substring(name.lastIndexOf('.') + 1).startsWith("b")) {
            return new ParameterChange(name, shape, rel, Math.sqrt(nd), Double.NaN, 0);
        }
        double[][] m = matrix(name, shape, d);
        int full = Math.min(m.length, m[0].length);
        return new ParameterChange(name, shape, rel, Math.sqrt(nd), nd > 0 ? effectiveRank(m) : Double.NaN, full);
    }

    /** Roy and Vetterli's effective rank of {@code m}: exp of the entropy of its normalised singular values. */
    public static double effectiveRank(double[][] m) {
        double[] s = Linalg.singularValues(m);
        double sum = 0;
        for (double v : s) {
            sum += v;
        }
        double h = 0;
        for (double v : s) {
            if (v > 0) {
                h -= v / sum * Math.log(v / sum);
            }
        }
        return Math.exp(h);
    }

    static double[][] matrix(String name, long[] shape, double[] flat) {
        if (shape.length == 2) {
            return reshape(flat, (int) shape[0], (int) shape[1]);
        }
        if (shape.length != 3) {
            throw new IllegalArgumentException(name + ": expected 2 or 3 axes, got " + shape.length);
        }
        int h = (int) shape[0];
        int r = (int) shape[1];
        int c = (int) shape[2];
        if (name.endsWith("W_O")) {
            return reshape(flat, h * r, c);
        }
        double[][] m = new double[r][h * c]; // [dModel, head*dHead]
        for (int k = 0; k < h; k++) {
            for (int i = 0; i < r; i++) {
                for (int j = 0; j < c; j++) {
                    m[i][k * c + j] = flat[(k * r + i) * c + j];
                }
            }
        }
        return m;
    }

    private static double[][] reshape(double[] flat, int rows, int cols) {
        double[][] m = new double[rows][cols];
        for (int i = 0; i < rows; i++) {
            System.arraycopy(flat, i * cols, m[i], 0, cols);
        }
        return m;
    }
}

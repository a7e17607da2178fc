package dev.vivarium.lens.fourier;

import java.util.ArrayList;
import java.util.List;

/**
 * The real orthonormal Fourier basis of functions on Z_p, one basis vector per row:
 *
 * <pre>
 * row 0       const   1 / sqrt(p)
 * row 2k - 1  cos k   sqrt(2/p) cos(2 pi k x / p)      k = 1 .. (p-1)/2
 * row 2k      sin k   sqrt(2/p) sin(2 pi k x / p)
 * row p - 1   cos p/2 (-1)^x / sqrt(p)                 p even only
 * </pre>
 */
public final class FourierBasis {
    private final int p;
    private final double[][] rows; // [p][p]

    private FourierBasis(int p) {
        this.p = p;
        this.rows = new double[p][p];
        for (int x = 0; x < p; x++) {
            rows[0][x] = 1 / Math.sqrt(p);
        }
        for (int k = 1; k <= (p - 1) / 2; k++) {
            for (int x = 0; x < p; x++) {
                double w = 2 * Math.PI * k * x / p;
                rows[2 * k - 1][x] = Math.sqrt(2.0 / p) * Math.cos(w);
                rows[2 * k][x] = Math.sqrt(2.0 / p) * Math.sin(w);
            }
        }
        if (p % 2 == 0) {
            for (int x = 0; x < p; x++) {
                rows[p - 1][x] = (x % 2 == 0 ? 1 : -1) / Math.sqrt(p);
            }
        }
    }

    public static FourierBasis of(int p) {
        if (p < 2) {
            throw new IllegalArgumentException("p: must be >= 2, got " + p);
        }
        return new FourierBasis(p);
    }

    public int p() {
        return p;
    }

    /** Frequencies 1 .. (p-1)/2 (plus p/2 for even p). */
    public int frequencies() {
        return p / 2;
    }

    /** Basis vector {@code i} (a copy). */
    public double[] row(int i) {
        return rows[i].clone();
    }

    /** The frequency of basis vector {@code i}: 0 for the constant. */
    public int frequencyOf(int i) {
        return (i + 1) / 2;
    }

    /** The basis vectors of frequency {@code k >= 1}: cos and sin (just one for k = p/2). */
    public int[] rowsOf(int k) {
        if (k < 1 || k > frequencies()) {
            throw new IllegalArgumentException("frequency " + k + " outside [1, " + frequencies() + "] for p = " + p);
        }
        return 2 * k == p ? new int[] {p - 1} : new int[] {2 * k - 1, 2 * k};
    }

    /** Names of the basis vectors, as in TransformerLens' grokking notebook. */
    public List<String> names() {
        List<String> n = new ArrayList<>(List.of("const"));
        for (int k = 1; k <= (p - 1) / 2; k++) {
            n.add("cos " + k);
            n.add("sin " + k);
        }
        if (p % 2 == 0) {
            n.add("cos " + p / 2);
        }
        return n;
    }

    /** {@code F @ m}: the columns of {@code m [p, d]} in the Fourier basis. */
    public double[][] transform(double[][] m) {
        if (m.length != p) {
            throw new IllegalArgumentException("expected " + p + " rows, got " + m.length);
        }
        int d = m[0].length;
        double[][] out = new double[p][d];
        for (int i = 0; i < p; i++) {
            for (int x = 0; x < p; x++) {
                double f = rows[i][x];
                for (int j = 0; j < d; j++) {
                    out[i][j] += f * m[x][j];
                }
            }
        }
        return out;
    }

    /** {@code F @ g @ F^T} for a function {@code g[a][b]} on Z_p x Z_p. */
    public double[][] transform2d(double[][] g) {
        double[][] left = transform(g); // [i][b]
        double[][] out = new double[p][p];
        for (int i = 0; i < p; i++) {
            for (int j = 0; j < p; j++) {
                double s = 0;
                for (int b = 0; b < p; b++) {
                    s += left[i][b] * rows[j][b];
                }
                out[i][j] = s;
            }
        }
        return out;
    }
}

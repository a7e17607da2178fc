package dev.vivarium.lens.heads;

import org.ejml.data.Complex_F64;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.EigenDecomposition_F64;

/**
 * Per-head scores of Olsson et al. 2022 ("In-context Learning and Induction Heads"), on attention patterns
 * {@code pattern[example][head][query][key]} of sequences {@code [BOS, x_1 .. x_m, x_1 .. x_m, ...]} and on a head's
 * OV circuit. Pure functions of arrays, so that each can be checked against an independent computation.
 */
public final class HeadScores {
    /** Previous-token score, in words. */
    public static final String PREVIOUS_TOKEN = "mean attention from each position q >= 1 to position q-1";

    /** Prefix-matching score, in words. */
    public static final String PREFIX_MATCHING = "mean attention from each position q of the repeat (q = m+1 .. 2m"
            + " for a prefix of m tokens, holding x_{q-m}) to the token after that token's earlier occurrence"
            + " (position q-m+1)";

    /** Copying score, in words. */
    public static final String COPYING = "sum of the eigenvalues of the OV circuit W_E W_V W_O W_U (tokens to logits,"
            + " BOS row left out) over the sum of their absolute values: 1 for a head that only raises the logit of"
            + " the token it attends to";

    private HeadScores() {}

    /** Mean over examples and queries {@code q = 1 .. T-1} of {@code pattern[q][q-1]}, for each head. */
    public static double[] previousToken(double[][][][] pattern) {
        int heads = pattern[0].length;
        int t = pattern[0][0].length;
        double[] s = new double[heads];
        for (double[][][] ex : pattern) {
            for (int h = 0; h < heads; h++) {
                for (int q = 1; q < t; q++) {
                    s[h] += ex[h][q][q - 1];
                }
            }
        }
        for (int h = 0; h < heads; h++) {
            s[h] /= (double) pattern.length * (t - 1);
        }
        return s;
    }

    /**
     * Mean over examples and their queries {@code q = m+1 .. 2m} of {@code pattern[q][q-m+1]}, for each head, where
     * {@code m = periods[example]} is the example's prefix length (its repeat runs over positions {@code m+1 ..
     * 2m}); each query counts once.
     */
    public static double[] prefixMatching(double[][][][] pattern, int[] periods) {
        int heads = pattern[0].length;
        int t = pattern[0][0].length;
        if (periods.length != pattern.length) {
            throw new IllegalArgumentException(
                    "prefix matching: " + periods.length + " periods for " + pattern.length + " examples");
        }
        double[] s = new double[heads];
        long queries = 0;
        for (int i = 0; i < pattern.length; i++) {
            int m = periods[i];
            if (m < 2 || 2 * m >= t) {
                throw new IllegalArgumentException(
                        "prefix matching: example " + i + " has prefix length " + m + ", needs 2 <= m and 2m < " + t);
            }
            for (int h = 0; h < heads; h++) {
                for (int q = m + 1; q <= 2 * m; q++) {
                    s[h] += pattern[i][h][q][q - m + 1];
                }
            }
            queries += m;
        }
        for (int h = 0; h < heads; h++) {
            s[h] /= queries;
        }
        return s;
    }

    /**
     * {@code sum(lambda) / sum(|lambda|)} over the eigenvalues of a square matrix: the trace (the eigenvalues'
     * sum is real) over the sum of their moduli; 0 for the zero matrix.
     */
    public static double copying(double[][] m) {
        int n = m.length;
        DMatrixRMaj a = new DMatrixRMaj(m);
        if (a.numCols != n) {
            throw new IllegalArgumentException("copying score needs a square matrix, got " + n + " x " + a.numCols);
        }
        EigenDecomposition_F64<DMatrixRMaj> eig = DecompositionFactory_DDRM.eig(n, false, false);
        if (!eig.decompose(a)) {
            throw new IllegalStateException("eigen-decomposition did not converge on a " + n + " x " + n + " matrix");
        }
        double sum = 0;
        double abs = 0;
        for (int i = 0; i < n; i++) {
            Complex_F64 l = eig.getEigenvalue(i);
            sum += l.real;
            abs += Math.hypot(l.real, l.imaginary);
        }
        return abs == 0 ? 0 : sum / abs;
    }

    /**
     * A head's OV circuit from tokens to logits, {@code W_E[0:tokens] W_V W_O W_U}: {@code [tokens, dVocabOut]}.
     *
     * @param wE {@code [dVocab, dModel]}
     * @param wV {@code [dModel, dHead]} of the head
     * @param wO {@code [dHead, dModel]} of the head
     * @param wU {@code [dModel, dVocabOut]}
     * @param tokens rows of {@code wE} to use (the BOS token, which is never a target, left out)
     */
    public static double[][] ovCircuit(double[][] wE, double[][] wV, double[][] wO, double[][] wU, int tokens) {
        double[][] e = java.util.Arrays.copyOf(wE, tokens);
        return times(times(times(e, wV), wO), wU);
    }

    static double[][] times(double[][] a, double[][] b) {
        int n = a.length;
        int k = b.length;
        int m = b[0].length;
        double[][] c = new double[n][m];
        for (int i = 0; i < n; i++) {
            if (a[i].length != k) {
                throw new IllegalArgumentException(
                        "matrix product: " + a[i].length + " columns against " + k + " rows");
            }
            for (int j = 0; j < k; j++) {
                double x = a[i][j];
                for (int l = 0; l < m; l++) {
                    c[i][l] += x * b[j][l];
                }
            }
        }
        return c;
    }
}

package dev.vivarium.lens.audit;

import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.EigenDecomposition_F64;

/**
 * The principal directions of a set of representations: the eigenvectors of {@code M^T M} for the centred
 * matrix {@code M [n, d]}, i.e. its right singular vectors, with the eigenvalues (squared singular values),
 * both in descending order.
 *
 * @param mean the column means that were subtracted
 * @param centred the centred rows
 * @param eigenvalues of {@code M^T M}, descending
 * @param directions {@code directions[k]} the unit right singular vector of the k-th eigenvalue
 */
record Pca(double[] mean, double[][] centred, double[] eigenvalues, double[][] directions) {
    static Pca of(double[][] x) {
        int n = x.length;
        if (n < 2) {
            throw new IllegalArgumentException("need at least 2 representations to centre, got " + n);
        }
        int d = x[0].length;
        double[] mean = new double[d];
        for (double[] row : x) {
            for (int j = 0; j < d; j++) {
                mean[j] += row[j] / n;
            }
        }
        double[][] c = new double[n][d];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < d; j++) {
                c[i][j] = x[i][j] - mean[j];
            }
        }
        DMatrixRMaj m = new DMatrixRMaj(c);
        DMatrixRMaj gram = new DMatrixRMaj(d, d);
        CommonOps_DDRM.multInner(m, gram);
        EigenDecomposition_F64<DMatrixRMaj> eig = DecompositionFactory_DDRM.eig(d, true, true);
        if (!eig.decompose(gram)) {
            throw new IllegalStateException("eigen-decomposition did not converge on a " + d + " x " + d + " matrix");
        }
        Integer[] order = new Integer[d];
        for (int k = 0; k < d; k++) {
            order[k] = k;
        }
        java.util.Arrays.sort(
                order,
                (a, b) -> Double.compare(
                        eig.getEigenvalue(b).getReal(), eig.getEigenvalue(a).getReal()));
        double[] values = new double[d];
        double[][] dirs = new double[d][];
        for (int k = 0; k < d; k++) {
            values[k] = Math.max(0, eig.getEigenvalue(order[k]).getReal());
            DMatrixRMaj v = eig.getEigenVector(order[k]);
            dirs[k] = v == null ? new double[d] : v.data.clone();
            double norm = 0;
            for (double e : dirs[k]) {
                norm += e * e;
            }
            norm = Math.sqrt(norm);
            for (int j = 0; j < d && norm > 0; j++) {
                dirs[k][j] /= norm;
            }
        }
        return new Pca(mean, c, values, dirs);
    }

    /** The centred rows projected on the first {@code k} directions, {@code [n, k]}. */
    double[][] project(int k) {
        double[][] out = new double[centred.length][k];
        for (int i = 0; i < centred.length; i++) {
            for (int j = 0; j < k; j++) {
                out[i][j] = dot(centred[i], directions[j]);
            }
        }
        return out;
    }

    static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }
}

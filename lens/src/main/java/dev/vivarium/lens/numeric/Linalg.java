package dev.vivarium.lens.numeric;

import java.util.Arrays;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.dense.row.factory.LinearSolverFactory_DDRM;
import org.ejml.interfaces.decomposition.EigenDecomposition_F64;
import org.ejml.interfaces.decomposition.SingularValueDecomposition_F64;
import org.ejml.interfaces.linsol.LinearSolverDense;

/**
 * Dense float64 linear algebra on small matrices, through EJML (pure Java, maintained, float64
 * throughout, with a symmetric eigen-solver and an SVD that can skip the singular vectors).
 */
public final class Linalg {
    private Linalg() {}

    /** Singular values of {@code m}, descending. */
    public static double[] singularValues(double[][] m) {
        DMatrixRMaj a = new DMatrixRMaj(m);
        SingularValueDecomposition_F64<DMatrixRMaj> svd =
                DecompositionFactory_DDRM.svd(a.numRows, a.numCols, false, false, true);
        if (!svd.decompose(a)) {
            throw new IllegalStateException("SVD did not converge on a " + a.numRows + " x " + a.numCols + " matrix");
        }
        double[] s = svd.getSingularValues().clone();
        s = Arrays.copyOf(s, Math.min(a.numRows, a.numCols));
        Arrays.sort(s);
        reverse(s);
        return s;
    }

    /** Eigenvalues of a symmetric matrix, descending. */
    public static double[] symmetricEigenvalues(double[][] m) {
        DMatrixRMaj a = new DMatrixRMaj(m);
        EigenDecomposition_F64<DMatrixRMaj> eig = DecompositionFactory_DDRM.eig(a.numRows, false, true);
        if (!eig.decompose(a)) {
            throw new IllegalStateException(
                    "eigen-decomposition did not converge on a " + a.numRows + " x " + a.numRows + " matrix");
        }
        double[] e = new double[a.numRows];
        for (int i = 0; i < e.length; i++) {
            e[i] = eig.getEigenvalue(i).getReal();
        }
        Arrays.sort(e);
        reverse(e);
        return e;
    }

    /** Solves {@code (X^T X + lambda I) W = X^T Y} for {@code W [features, outputs]}. */
    public static double[][] ridge(double[][] x, double[][] y, double lambda) {
        DMatrixRMaj xm = new DMatrixRMaj(x);
        DMatrixRMaj ym = new DMatrixRMaj(y);
        DMatrixRMaj gram = new DMatrixRMaj(xm.numCols, xm.numCols);
        CommonOps_DDRM.multInner(xm, gram); // X^T X
        for (int i = 0; i < gram.numRows; i++) {
            gram.add(i, i, lambda);
        }
        DMatrixRMaj xty = new DMatrixRMaj(xm.numCols, ym.numCols);
        CommonOps_DDRM.multTransA(xm, ym, xty);
        LinearSolverDense<DMatrixRMaj> solver = LinearSolverFactory_DDRM.symmPosDef(gram.numRows);
        if (!solver.setA(gram)) {
            solver = LinearSolverFactory_DDRM.leastSquares(gram.numRows, gram.numCols);
            if (!solver.setA(gram)) {
                throw new IllegalStateException("ridge system is singular; use a positive lambda");
            }
        }
        DMatrixRMaj w = new DMatrixRMaj(xm.numCols, ym.numCols);
        solver.solve(xty, w);
        return toArray(w);
    }

    /** {@code a @ b}. */
    public static double[][] matmul(double[][] a, double[][] b) {
        DMatrixRMaj c = new DMatrixRMaj(a.length, b[0].length);
        CommonOps_DDRM.mult(new DMatrixRMaj(a), new DMatrixRMaj(b), c);
        return toArray(c);
    }

    /** {@code a^T @ b}. */
    public static double[][] matmulTransA(double[][] a, double[][] b) {
        DMatrixRMaj c = new DMatrixRMaj(a[0].length, b[0].length);
        CommonOps_DDRM.multTransA(new DMatrixRMaj(a), new DMatrixRMaj(b), c);
        return toArray(c);
    }

    static double[][] toArray(DMatrixRMaj m) {
        double[][] out = new double[m.numRows][m.numCols];
        for (int i = 0; i < m.numRows; i++) {
            System.arraycopy(m.data, i * m.numCols, out[i], 0, m.numCols);
        }
        return out;
    }

    private static void reverse(double[] a) {
        for (int i = 0, j = a.length - 1; i < j; i++, j--) {
            double t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }
}

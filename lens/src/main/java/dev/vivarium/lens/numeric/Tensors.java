package dev.vivarium.lens.numeric;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.vivarium.core.engine.Ops;

/** Copies between engine arrays and float64 Java arrays; analyses do their arithmetic on the latter. */
public final class Tensors {
    private Tensors() {}

    /** Every value of {@code a}, row-major, as float64. */
    public static double[] doubles(NDArray a) {
        if (a.getDataType() == DataType.FLOAT64) {
            return a.toDoubleArray();
        }
        try (NDArray d = a.toType(DataType.FLOAT64, true)) {
            return d.toDoubleArray();
        }
    }

    /** A 2-d array as {@code [rows][cols]}; any leading axes are flattened into rows. */
    public static double[][] matrix(NDArray a) {
        Shape s = a.getShape();
        if (s.dimension() < 1) {
            throw new IllegalArgumentException("need at least one axis, got a scalar");
        }
        int cols = (int) s.get(s.dimension() - 1);
        int rows = (int) (s.size() / Math.max(cols, 1));
        return reshape(doubles(a), rows, cols);
    }

    /** {@code flat} as {@code [rows][cols]}. */
    public static double[][] reshape(double[] flat, int rows, int cols) {
        if ((long) rows * cols != flat.length) {
            throw new IllegalArgumentException(
                    flat.length + " values do not make a " + rows + " x " + cols + " matrix");
        }
        double[][] m = new double[rows][cols];
        for (int i = 0; i < rows; i++) {
            System.arraycopy(flat, i * cols, m[i], 0, cols);
        }
        return m;
    }

    /** Row-major flattening of a rectangular matrix. */
    public static double[] flatten(double[][] m) {
        int cols = m.length == 0 ? 0 : m[0].length;
        double[] flat = new double[m.length * cols];
        for (int i = 0; i < m.length; i++) {
            System.arraycopy(m[i], 0, flat, i * cols, cols);
        }
        return flat;
    }

    /** A float32 engine array of {@code values} in libtorch-owned memory. */
    public static NDArray floats(NDManager manager, double[] values, long... shape) {
        float[] f = new float[values.length];
        for (int i = 0; i < f.length; i++) {
            f[i] = (float) values[i];
        }
        return Ops.floats(manager, f, new Shape(shape));
    }

    /** int64 token ids {@code [rows, cols]} from a row-major array. */
    public static NDArray tokens(NDManager manager, long[] rowMajor, int rows, int cols) {
        return Ops.longs(manager, rowMajor, new Shape(rows, cols));
    }
}

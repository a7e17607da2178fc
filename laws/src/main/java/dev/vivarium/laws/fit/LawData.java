package dev.vivarium.laws.fit;

import java.util.List;

/**
 * Observations for a law: {@code n} points, each with one value per input and an observed {@code y}, held in
 * log space. Every input and every {@code y} must be finite and positive: a power law is not defined at
 * zero or below, and a NaN loss is a failed run, not a point.
 */
public final class LawData {
    private final List<String> inputs;
    private final double[][] logX; // [input][point]
    private final double[] logY; // [point]
    private final String yName;

    private LawData(List<String> inputs, double[][] logX, double[] logY, String yName) {
        this.inputs = List.copyOf(inputs);
        this.yName = yName;
        this.logX = logX;
        this.logY = logY;
    }

    /**
     * Validates and stores the points.
     *
     * @param inputs the input names, used in error messages
     * @param x {@code [point][input]} values
     * @param y {@code [point]} observed values
     * @param yName the observed quantity's name, used in error messages (e.g. {@code "loss"})
     */
    public static LawData of(List<String> inputs, double[][] x, double[] y, String yName) {
        if (x.length != y.length) {
            throw new IllegalArgumentException(
                    "got " + x.length + " input rows but " + y.length + " " + yName + " values");
        }
        int n = y.length;
        double[][] logX = new double[inputs.size()][n];
        double[] logY = new double[n];
        for (int i = 0; i < n; i++) {
            if (x[i].length != inputs.size()) {
                throw new IllegalArgumentException("row " + i + " has " + x[i].length + " inputs, expected " + inputs);
            }
            for (int j = 0; j < inputs.size(); j++) {
                double v = x[i][j];
                if (!(v > 0) || Double.isInfinite(v)) {
                    throw new IllegalArgumentException(inputs.get(j) + " = " + v + " at row " + i
                            + ": must be finite and > 0 (a power law is undefined at zero or below)");
                }
                logX[j][i] = Math.log(v);
            }
            if (!(y[i] > 0) || Double.isInfinite(y[i])) {
                throw new IllegalArgumentException(yName + " = " + y[i] + " at row " + i
                        + ": must be finite and > 0 (drop failed runs before fitting)");
            }
            logY[i] = Math.log(y[i]);
        }
        return new LawData(inputs, logX, logY, yName);
    }

    /** Points of a one-input law. */
    public static LawData of(String input, double[] x, double[] y, String yName) {
        double[][] rows = new double[x.length][];
        for (int i = 0; i < x.length; i++) {
            rows[i] = new double[] {x[i]};
        }
        return of(List.of(input), rows, y, yName);
    }

    public int size() {
        return logY.length;
    }

    /** The observed quantity's name (e.g. {@code "loss"}). */
    public String yName() {
        return yName;
    }

    public List<String> inputs() {
        return inputs;
    }

    /** {@code log x} of input {@code j} at point {@code i}. */
    public double logX(int j, int i) {
        return logX[j][i];
    }

    /** {@code log y} at point {@code i}. */
    public double logY(int i) {
        return logY[i];
    }

    /** The log-inputs of point {@code i}. */
    public double[] logXRow(int i) {
        double[] row = new double[logX.length];
        for (int j = 0; j < row.length; j++) {
            row[j] = logX[j][i];
        }
        return row;
    }

    double[][] logXColumns() {
        return logX;
    }

    double[] logYColumn() {
        return logY;
    }
}

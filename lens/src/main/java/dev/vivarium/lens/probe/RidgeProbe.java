package dev.vivarium.lens.probe;

import dev.vivarium.lens.numeric.Linalg;

/**
 * Ridge regression onto one-hot labels, classifying by the largest output: standardised features,
 * centred targets (so the intercept is the mean one-hot vector and is not penalised), weights
 * {@code (X^T X + lambda I)^-1 X^T Y}.
 */
public final class RidgeProbe implements Probe {
    private final Standardizer standardizer;
    private final double[][] w; // [features, classes]
    private final double[] intercept;

    private RidgeProbe(Standardizer standardizer, double[][] w, double[] intercept) {
        this.standardizer = standardizer;
        this.w = w;
        this.intercept = intercept;
    }

    public static RidgeProbe fit(double[][] x, int[] y, int classes, double lambda) {
        if (!(lambda >= 0)) {
            throw new IllegalArgumentException("lambda: must be >= 0, got " + lambda);
        }
        Standardizer s = new Standardizer(x);
        double[][] z = s.apply(x);
        double[] mean = new double[classes];
        for (int label : y) {
            mean[label] += 1.0 / y.length;
        }
        double[][] t = new double[y.length][classes];
        for (int i = 0; i < y.length; i++) {
            for (int c = 0; c < classes; c++) {
                t[i][c] = (y[i] == c ? 1 : 0) - mean[c];
            }
        }
        return new RidgeProbe(s, Linalg.ridge(z, t, Math.max(lambda, 1e-9)), mean);
    }

    @Override
    public int[] predict(double[][] x) {
        double[][] scores = Linalg.matmul(standardizer.apply(x), w);
        for (double[] row : scores) {
            for (int c = 0; c < row.length; c++) {
                row[c] += intercept[c];
            }
        }
        return Probe.argmax(scores);
    }
}

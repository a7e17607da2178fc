package dev.vivarium.lens.probe;

import dev.vivarium.numeric.optim.DifferentiableFunction;
import dev.vivarium.numeric.optim.Lbfgs;

/**
 * Multinomial logistic regression on standardised features, minimising the mean cross-entropy
 * plus {@code l2 / 2 * ||W||^2} (the intercepts are not penalised) with L-BFGS.
 */
public final class LogisticProbe implements Probe {
    private final Standardizer standardizer;
    private final double[] theta; // [(features + 1) * classes]: W row-major, then the intercepts
    private final int features;
    private final int classes;

    private LogisticProbe(Standardizer standardizer, double[] theta, int features, int classes) {
        this.standardizer = standardizer;
        this.theta = theta;
        this.features = features;
        this.classes = classes;
    }

    public static LogisticProbe fit(double[][] x, int[] y, int classes, double l2, int maxIterations) {
        if (!(l2 >= 0)) {
            throw new IllegalArgumentException("l2: must be >= 0, got " + l2);
        }
        Standardizer s = new Standardizer(x);
        double[][] z = s.apply(x);
        int p = z[0].length;
        DifferentiableFunction f = (theta, grad) -> loss(z, y, theta, grad, p, classes, l2);
        double[] theta = new Lbfgs(10, maxIterations, 1e-8, 1e-14)
                .minimize(f, new double[(p + 1) * classes])
                .x();
        return new LogisticProbe(s, theta, p, classes);
    }

    /** Mean cross-entropy plus penalty at {@code theta}; writes its gradient into {@code grad}. */
    static double loss(double[][] z, int[] y, double[] theta, double[] grad, int p, int k, double l2) {
        java.util.Arrays.fill(grad, 0);
        int n = z.length;
        double total = 0;
        double[] logits = new double[k];
        for (int i = 0; i < n; i++) {
            scores(z[i], theta, p, k, logits);
            double max = Double.NEGATIVE_INFINITY;
            for (double v : logits) {
                max = Math.max(max, v);
            }
            double sum = 0;
            for (int c = 0; c < k; c++) {
                logits[c] = Math.exp(logits[c] - max);
                sum += logits[c];
            }
            total -= Math.log(logits[y[i]] / sum);
            for (int c = 0; c < k; c++) {
                double d = (logits[c] / sum - (c == y[i] ? 1 : 0)) / n;
                for (int j = 0; j < p; j++) {
                    grad[j * k + c] += d * z[i][j];
                }
                grad[p * k + c] += d;
            }
        }
        double penalty = 0;
        for (int j = 0; j < p * k; j++) {
            penalty += theta[j] * theta[j];
            grad[j] += l2 * theta[j];
        }
        return total / n + l2 / 2 * penalty;
    }

    private static void scores(double[] row, double[] theta, int p, int k, double[] out) {
        for (int c = 0; c < k; c++) {
            double s = theta[p * k + c];
            for (int j = 0; j < p; j++) {
                s += row[j] * theta[j * k + c];
            }
            out[c] = s;
        }
    }

    /** The probability of each class for each row of {@code x [n, features]}, {@code [n, classes]}. */
    public double[][] probabilities(double[][] x) {
        double[][] z = standardizer.apply(x);
        double[][] s = new double[z.length][classes];
        for (int i = 0; i < z.length; i++) {
            scores(z[i], theta, features, classes, s[i]);
            double max = Double.NEGATIVE_INFINITY;
            for (double v : s[i]) {
                max = Math.max(max, v);
            }
            double sum = 0;
            for (int c = 0; c < classes; c++) {
                s[i][c] = Math.exp(s[i][c] - max);
                sum += s[i][c];
            }
            for (int c = 0; c < classes; c++) {
                s[i][c] /= sum;
            }
        }
        return s;
    }

    @Override
    public int[] predict(double[][] x) {
        double[][] z = standardizer.apply(x);
        double[][] s = new double[z.length][classes];
        for (int i = 0; i < z.length; i++) {
            scores(z[i], theta, features, classes, s[i]);
        }
        return Probe.argmax(s);
    }
}

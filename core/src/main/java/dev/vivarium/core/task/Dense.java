package dev.vivarium.core.task;

/**
 * A regression task's examples: a real feature vector and a real target vector per example (the
 * counterpart of {@link Examples}, which holds token sequences and class targets).
 *
 * @param n number of examples
 * @param dIn features per example
 * @param features {@code [n, dIn]} row-major
 * @param dOut targets per example
 * @param values {@code [n, dOut]} row-major
 * @param outputWeights {@code [dOut]}: the weight of each output's squared error in the loss (a feature's
 *     importance), or null for equal weights
 */
public record Dense(int n, int dIn, float[] features, int dOut, float[] values, double[] outputWeights) {
    /** Examples whose outputs weigh the same. */
    public Dense(int n, int dIn, float[] features, int dOut, float[] values) {
        this(n, dIn, features, dOut, values, null);
    }

    public Dense {
        if (n < 0 || dIn < 1 || dOut < 1) {
            throw new IllegalArgumentException(
                    "dense examples need n >= 0, dIn >= 1 and dOut >= 1, got " + n + ", " + dIn + ", " + dOut);
        }
        if (features.length != (long) n * dIn) {
            throw new IllegalArgumentException(
                    "features: expected " + (long) n * dIn + " values, got " + features.length);
        }
        if (values.length != (long) n * dOut) {
            throw new IllegalArgumentException("values: expected " + (long) n * dOut + " values, got " + values.length);
        }
        if (outputWeights != null && outputWeights.length != dOut) {
            throw new IllegalArgumentException(
                    "outputWeights: expected " + dOut + " weights, got " + outputWeights.length);
        }
    }

    /** The examples at {@code rows}, in that order. */
    public Dense select(int[] rows) {
        float[] x = new float[rows.length * dIn];
        float[] y = new float[rows.length * dOut];
        for (int i = 0; i < rows.length; i++) {
            System.arraycopy(features, rows[i] * dIn, x, i * dIn, dIn);
            System.arraycopy(values, rows[i] * dOut, y, i * dOut, dOut);
        }
        return new Dense(rows.length, dIn, x, dOut, y, outputWeights);
    }

    /** The variance of the targets around their mean (the loss of predicting the mean), over every output. */
    public double targetVariance() {
        double mean = 0;
        for (float v : values) {
            mean += v;
        }
        mean /= values.length;
        double ss = 0;
        for (float v : values) {
            ss += (v - mean) * (v - mean);
        }
        return ss / values.length;
    }
}

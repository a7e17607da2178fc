package dev.vivarium.lens.probe;

/** Per-feature mean and standard deviation of the training rows, applied to any rows. */
final class Standardizer {
    private final double[] mean;
    private final double[] scale;

    Standardizer(double[][] x) {
        int p = x[0].length;
        mean = new double[p];
        scale = new double[p];
        for (double[] row : x) {
            for (int j = 0; j < p; j++) {
                mean[j] += row[j] / x.length;
            }
        }
        for (double[] row : x) {
            for (int j = 0; j < p; j++) {
                scale[j] += (row[j] - mean[j]) * (row[j] - mean[j]) / x.length;
            }
        }
        for (int j = 0; j < p; j++) {
            scale[j] = scale[j] > 1e-24 ? Math.sqrt(scale[j]) : 1; // a constant feature stays zero
        }
    }

    double[][] apply(double[][] x) {
        double[][] z = new double[x.length][mean.length];
        for (int i = 0; i < x.length; i++) {
            if (x[i].length != mean.length) {
                throw new IllegalArgumentException(
                        "row " + i + " has " + x[i].length + " features, the probe " + mean.length);
            }
            for (int j = 0; j < mean.length; j++) {
                z[i][j] = (x[i][j] - mean[j]) / scale[j];
            }
        }
        return z;
    }
}

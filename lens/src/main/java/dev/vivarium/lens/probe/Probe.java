package dev.vivarium.lens.probe;

/** A trained classifier of activation vectors. */
public interface Probe {
    /** The predicted class of each row of {@code x [n, features]}. */
    int[] predict(double[][] x);

    /** The share of rows whose prediction is their label. */
    default double accuracy(double[][] x, int[] y) {
        int[] p = predict(x);
        int right = 0;
        for (int i = 0; i < y.length; i++) {
            right += p[i] == y[i] ? 1 : 0;
        }
        return y.length == 0 ? Double.NaN : (double) right / y.length;
    }

    /** Index of the largest entry of each row. */
    static int[] argmax(double[][] scores) {
        int[] out = new int[scores.length];
        for (int i = 0; i < scores.length; i++) {
            int best = 0;
            for (int c = 1; c < scores[i].length; c++) {
                if (scores[i][c] > scores[i][best]) {
                    best = c;
                }
            }
            out[i] = best;
        }
        return out;
    }
}

package dev.vivarium.lens.fourier;

/**
 * For each MLP neuron, read as a function of the inputs {@code (a, b)} on the p x p grid, the
 * frequency that explains most of its variance. With {@code C = F A F^T} its 2-d Fourier
 * transform, frequency k explains the squared coefficients on the terms built from {const, cos k,
 * sin k} in a and in b (the constant-constant term excluded), divided by the total over all
 * non-constant terms.
 */
public final class NeuronFrequencies {
    private NeuronFrequencies() {}

    /**
     * One neuron's result.
     *
     * @param frequency the best frequency
     * @param explained the fraction of its variance that frequency explains
     */
    public record Neuron(int frequency, double explained) {}

    /** @param acts {@code [p*p][neurons]}, row {@code a*p + b} */
    public static Neuron[] of(double[][] acts, int p) {
        if (acts.length != p * p) {
            throw new IllegalArgumentException("expected " + p * p + " rows (every (a, b)), got " + acts.length);
        }
        FourierBasis f = FourierBasis.of(p);
        int n = acts[0].length;
        Neuron[] out = new Neuron[n];
        double[][] grid = new double[p][p];
        for (int j = 0; j < n; j++) {
            for (int a = 0; a < p; a++) {
                for (int b = 0; b < p; b++) {
                    grid[a][b] = acts[a * p + b][j];
                }
            }
            out[j] = best(f.transform2d(grid), f);
        }
        return out;
    }

    static Neuron best(double[][] c, FourierBasis f) {
        int p = f.p();
        double total = 0;
        for (int i = 0; i < p; i++) {
            for (int j = 0; j < p; j++) {
                total += (i == 0 && j == 0) ? 0 : c[i][j] * c[i][j];
            }
        }
        Neuron best = new Neuron(1, 0);
        for (int k = 1; k <= f.frequencies(); k++) {
            int[] rows = f.rowsOf(k);
            int[] terms = new int[rows.length + 1];
            System.arraycopy(rows, 0, terms, 1, rows.length);
            double s = 0;
            for (int i : terms) {
                for (int j : terms) {
                    s += (i == 0 && j == 0) ? 0 : c[i][j] * c[i][j];
                }
            }
            double share = total == 0 ? 0 : s / total;
            if (share > best.explained()) {
                best = new Neuron(k, share);
            }
        }
        return best;
    }
}

package dev.vivarium.lens.fourier;

import java.util.List;

/**
 * Restricted and excluded loss (Nanda et al. 2023, as in TransformerLens' grokking demo).
 *
 * <p>Restricted loss keeps only the key frequencies: the last MLP's activations are projected onto
 * the span of the constant and {@code cos(w_k (a+b))}, {@code sin(w_k (a+b))} over the input grid
 * for each key frequency k, mapped to logits through {@code W_out @ W_U} (skipping every other
 * path), shifted so that their mean over inputs equals the full logits' mean, and scored on the
 * held-out inputs. Excluded loss removes the key frequencies instead: the logits minus their
 * projection onto those directions, scored on the training inputs.
 */
public final class FourierLosses {
    private FourierLosses() {}

    /** Mean cross-entropy of the restricted logits on {@code rows} (the test inputs). */
    public static double restricted(ModularForward f, List<Integer> keys, int[] rows) {
        return crossEntropy(restrictedLogits(f, keys), f.labels(), rows);
    }

    /** Mean cross-entropy of the excluded logits on {@code rows} (the training inputs). */
    public static double excluded(ModularForward f, List<Integer> keys, int[] rows) {
        return crossEntropy(excludedLogits(f, keys), f.labels(), rows);
    }

    /** Logits from the key-frequency part of the neuron activations, {@code [p*p][p]}. */
    static double[][] restrictedLogits(ModularForward f, List<Integer> keys) {
        double[][] acts = f.neurons();
        int n = acts.length;
        int m = acts[0].length;
        int p = f.p();
        double[] mean = new double[m];
        for (double[] row : acts) {
            for (int j = 0; j < m; j++) {
                mean[j] += row[j] / n;
            }
        }
        double[][] dirs = f.directions(keys);
        double[][] dirLogits = new double[dirs.length][]; // (d^T acts) @ W_L per direction: [p]
        for (int t = 0; t < dirs.length; t++) {
            double[] coef = new double[m];
            for (int i = 0; i < n; i++) {
                double di = dirs[t][i];
                for (int j = 0; j < m; j++) {
                    coef[j] += di * acts[i][j];
                }
            }
            dirLogits[t] = times(coef, f.wL());
        }
        double[] meanLogits = times(mean, f.wL());
        double[][] out = new double[n][p];
        for (int i = 0; i < n; i++) {
            for (int c = 0; c < p; c++) {
                double v = meanLogits[c];
                for (int t = 0; t < dirs.length; t++) {
                    v += dirs[t][i] * dirLogits[t][c];
                }
                out[i][c] = v;
            }
        }
        shiftMeanTo(out, f.logits());
        return out;
    }

    /** The logits minus their projection onto the key-frequency directions, {@code [p*p][p]}. */
    static double[][] excludedLogits(ModularForward f, List<Integer> keys) {
        double[][] out = new double[f.logits().length][];
        for (int i = 0; i < out.length; i++) {
            out[i] = f.logits()[i].clone();
        }
        for (double[] d : f.directions(keys)) { // orthonormal over the grid
            double[] proj = new double[f.p()];
            for (int i = 0; i < out.length; i++) {
                for (int c = 0; c < proj.length; c++) {
                    proj[c] += d[i] * out[i][c];
                }
            }
            for (int i = 0; i < out.length; i++) {
                for (int c = 0; c < proj.length; c++) {
                    out[i][c] -= d[i] * proj[c];
                }
            }
        }
        return out;
    }

    /** Mean over {@code rows} of {@code -log softmax(logits[i])[labels[i]]}. */
    public static double crossEntropy(double[][] logits, long[] labels, int[] rows) {
        double sum = 0;
        for (int i : rows) {
            double max = Double.NEGATIVE_INFINITY;
            for (double v : logits[i]) {
                max = Math.max(max, v);
            }
            double z = 0;
            for (double v : logits[i]) {
                z += Math.exp(v - max);
            }
            sum += max + Math.log(z) - logits[i][(int) labels[i]];
        }
        return sum / rows.length;
    }

    private static double[] times(double[] v, double[][] m) {
        double[] out = new double[m[0].length];
        for (int j = 0; j < v.length; j++) {
            for (int c = 0; c < out.length; c++) {
                out[c] += v[j] * m[j][c];
            }
        }
        return out;
    }

    private static void shiftMeanTo(double[][] x, double[][] target) {
        int n = x.length;
        int p = x[0].length;
        for (int c = 0; c < p; c++) {
            double dx = 0;
            double dt = 0;
            for (int i = 0; i < n; i++) {
                dx += x[i][c] / n;
                dt += target[i][c] / n;
            }
            for (int i = 0; i < n; i++) {
                x[i][c] += dt - dx;
            }
        }
    }
}

package dev.vivarium.lens.fourier;

import java.util.List;

/**
 * Restricted and excluded loss, as Nanda et al. (2023, section 5.1) define them, on the logits over all
 * p x p inputs {@code (a, b)}.
 *
 * <p>For each key frequency k the directions {@code cos(w_k (a+b))} and {@code sin(w_k (a+b))}, w_k = 2 pi
 * k / p, are unit vectors over the p^2 inputs (each is the normalised sum or difference of two products of
 * 1-d Fourier basis vectors, so they are components of the logits' 2-d Fourier transform over the inputs).
 *
 * <ul>
 *   <li><b>Restricted loss</b> ({@link #RESTRICTED}): every component of the logits is set to zero except
 *       the constant and those directions; the loss of what is left. The constant is kept by adding each
 *       class's mean logit over all inputs (the paper's reference notebook's bias correction). The paper
 *       names no subset; its notebook evaluates all p^2 inputs (and the training inputs, which it finds
 *       identical), so the default is all inputs, and {@link #restrictedOn} gives the others.
 *   <li><b>Excluded loss</b> ({@link #EXCLUDED}): those directions of every key frequency are removed from
 *       the logits, everything else kept; the loss on the training inputs (the paper: "We measure this on
 *       the training data").
 * </ul>
 *
 * <p>The variant {@link #NEURON_RESTRICTED} is the TransformerLens grokking demo's restricted loss (which
 * earlier Vivarium versions reported as the restricted loss): the MLP activations are projected onto the
 * constant and the same directions, mapped to logits through {@code W_out W_U} only, shifted to the full
 * logits' class means, and scored on the test inputs.
 */
public final class FourierLosses {
    /** The paper's restricted loss, in words. */
    public static final String RESTRICTED =
            "restricted loss (Nanda et al. 2023, sec. 5.1): logits over all p^2 inputs with every 2-d Fourier"
                    + " component set to 0 except the constant and cos/sin(w_k(a+b)) of the key frequencies;"
                    + " cross-entropy on all p^2 inputs";
    /** The paper's excluded loss, in words. */
    public static final String EXCLUDED =
            "excluded loss (Nanda et al. 2023, sec. 5.1): logits with their cos/sin(w_k(a+b)) components of"
                    + " every key frequency removed; cross-entropy on the training inputs";
    /** The TransformerLens demo's restricted loss, in words. */
    public static final String NEURON_RESTRICTED =
            "neuron-restricted loss (TransformerLens Grokking_Demo, get_restricted_loss): MLP activations"
                    + " projected onto the constant and cos/sin(w_k(a+b)) of the key frequencies, through W_out W_U"
                    + " only, shifted to the full logits' class means; cross-entropy on the test inputs";

    private FourierLosses() {}

    /** The paper's restricted loss on all p^2 inputs. */
    public static double restricted(ModularForward f, List<Integer> keys) {
        return crossEntropy(restrictedLogits(f, keys), f.labels(), allRows(f));
    }

    /** The paper's restricted logits scored on {@code rows} only (the projection still uses every input). */
    public static double restrictedOn(ModularForward f, List<Integer> keys, int[] rows) {
        return crossEntropy(restrictedLogits(f, keys), f.labels(), rows);
    }

    /** The paper's excluded loss on {@code rows} (the training inputs). */
    public static double excluded(ModularForward f, List<Integer> keys, int[] rows) {
        return crossEntropy(excludedLogits(f, keys), f.labels(), rows);
    }

    /** The TransformerLens demo's restricted loss on {@code rows} (the test inputs). */
    public static double neuronRestricted(ModularForward f, List<Integer> keys, int[] rows) {
        return crossEntropy(neuronRestrictedLogits(f, keys), f.labels(), rows);
    }

    /** Every input's row index, {@code 0 .. p^2 - 1}. */
    public static int[] allRows(ModularForward f) {
        return java.util.stream.IntStream.range(0, f.logits().length).toArray();
    }

    /** The logits' class means plus their projection onto the key directions, {@code [p*p][p]}. */
    static double[][] restrictedLogits(ModularForward f, List<Integer> keys) {
        double[][] logits = f.logits();
        int n = logits.length;
        int p = f.p();
        double[] mean = new double[p];
        for (double[] row : logits) {
            for (int c = 0; c < p; c++) {
                mean[c] += row[c] / n;
            }
        }
        double[][] out = new double[n][];
        for (int i = 0; i < n; i++) {
            out[i] = mean.clone();
        }
        for (double[] d : f.directions(keys)) { // orthonormal over the grid, each of mean 0
            double[] proj = project(d, logits);
            for (int i = 0; i < n; i++) {
                for (int c = 0; c < p; c++) {
                    out[i][c] += d[i] * proj[c];
                }
            }
        }
        return out;
    }

    /** The logits minus their projection onto the key directions, {@code [p*p][p]}. */
    static double[][] excludedLogits(ModularForward f, List<Integer> keys) {
        double[][] logits = f.logits();
        double[][] out = new double[logits.length][];
        for (int i = 0; i < out.length; i++) {
            out[i] = logits[i].clone();
        }
        for (double[] d : f.directions(keys)) {
            double[] proj = project(d, logits);
            for (int i = 0; i < out.length; i++) {
                for (int c = 0; c < proj.length; c++) {
                    out[i][c] -= d[i] * proj[c];
                }
            }
        }
        return out;
    }

    /** Logits from the key-frequency part of the neuron activations, {@code [p*p][p]}. */
    static double[][] neuronRestrictedLogits(ModularForward f, List<Integer> keys) {
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
            dirLogits[t] = times(project(dirs[t], acts), f.wL());
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

    /** {@code d^T x}: {@code d [n]}, {@code x [n][m]} gives {@code [m]}. */
    private static double[] project(double[] d, double[][] x) {
        double[] out = new double[x[0].length];
        for (int i = 0; i < x.length; i++) {
            double di = d[i];
            for (int j = 0; j < out.length; j++) {
                out[j] += di * x[i][j];
            }
        }
        return out;
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

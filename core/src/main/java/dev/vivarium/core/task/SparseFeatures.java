package dev.vivarium.core.task;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Sparse features to reconstruct, the data of Elhage et al. 2022, "Toy Models of Superposition": each example is
 * a vector {@code x} of {@code n} features, each independently zero with probability {@code sparsity} (the
 * paper's S) and otherwise uniform in {@code [0, 1]}; the target is {@code x} itself. Feature {@code i} has
 * importance {@code I_i = importanceDecay^i} (the paper's Figure 2 uses 0.7), which weighs its squared error in
 * the loss: {@code L = mean over examples and features of I_i (x_i - x'_i)^2} — the mean of the reference code's
 * {@code importance * (x - out)^2} over the batch and the features.
 *
 * <p>The reference code draws a fresh batch every step; here the {@code samples} training examples are drawn
 * once (a resumed run must see the same batches), so choose them many times the batch size. Examples
 * {@code 0..samples-1} train, the next {@code testSamples} test, all from one stream of the seed.
 *
 * @param n number of features
 * @param sparsity probability S that a feature is zero, in [0, 1)
 * @param importanceDecay feature {@code i} has importance {@code importanceDecay^i}, in (0, 1]
 * @param samples training examples
 * @param testSamples held-out examples
 */
public record SparseFeatures(int n, double sparsity, double importanceDecay, int samples, int testSamples)
        implements TaskConfig {
    public SparseFeatures {
        if (n < 1 || n > 100_000) {
            throw new IllegalArgumentException("n: the number of features must be in [1, 100000], got " + n);
        }
        if (!(sparsity >= 0 && sparsity < 1)) {
            throw new IllegalArgumentException(
                    "sparsity: the probability that a feature is zero must be in [0, 1), got " + sparsity);
        }
        if (!(importanceDecay > 0 && importanceDecay <= 1)) {
            throw new IllegalArgumentException("importanceDecay: must be in (0, 1] (1: every feature equally"
                    + " important), got " + importanceDecay);
        }
        if (samples < 1) {
            throw new IllegalArgumentException("samples: must be a positive integer, got " + samples);
        }
        if (testSamples < 1) {
            throw new IllegalArgumentException("testSamples: must be a positive integer, got " + testSamples);
        }
        if (((long) samples + testSamples) * n > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("samples: (samples + testSamples) * n must stay below 2^31, got ("
                    + samples + " + " + testSamples + ") * " + n);
        }
    }

    /** No vocabulary: the inputs are real numbers. */
    @Override
    public int dVocab() {
        return 0;
    }

    /** The reconstruction: {@code n} real outputs. */
    @Override
    public int dVocabOut() {
        return n;
    }

    /** {@code n} real features per example. */
    @Override
    public int seqLen() {
        return n;
    }

    @Override
    public boolean regression() {
        return true;
    }

    /** Each feature's importance {@code importanceDecay^i}, the weight of its squared error. */
    public double[] importance() {
        double[] w = new double[n];
        for (int i = 0; i < n; i++) {
            w[i] = Math.pow(importanceDecay, i);
        }
        return w;
    }

    @Override
    public Data generate(long seed) {
        int total = samples + testSamples;
        SplittableRandom r = new SplittableRandom(seed);
        float[] x = new float[total * n];
        for (int k = 0; k < x.length; k++) {
            double keep = r.nextDouble(); // two draws a feature, whether or not it is kept: the streams align
            double value = r.nextDouble();
            x[k] = keep < sparsity ? 0f : (float) value;
        }
        int[] train = new int[samples];
        int[] test = new int[testSamples];
        Arrays.setAll(train, i -> i);
        Arrays.setAll(test, i -> samples + i);
        // the targets are the features: one array serves as both (nothing writes to a task's examples)
        return new Data(new Dense(total, n, x, n, x, importance()), new Split(train, test));
    }

    /** Fills in what a recipe may leave out: every feature equally important, 10,000 held-out examples. */
    public static void fillDefaults(ObjectNode t) {
        t.putIfAbsent("importanceDecay", t.numberNode(1.0));
        t.putIfAbsent("testSamples", t.numberNode(10_000));
    }
}

package dev.vivarium.lens.heads;

import ai.djl.ndarray.NDManager;
import dev.vivarium.core.engine.StepScope;
import dev.vivarium.core.model.Model;
import dev.vivarium.core.model.TransformerConfig;
import dev.vivarium.core.task.Examples;
import dev.vivarium.core.task.Induction;
import dev.vivarium.lens.attribution.AttentionPatterns;
import dev.vivarium.lens.cache.Activations;
import dev.vivarium.lens.cache.Caching;
import dev.vivarium.lens.cache.NameFilter;
import dev.vivarium.lens.numeric.Tensors;
import java.util.ArrayList;
import java.util.List;

/**
 * The scores of every head of one checkpoint, and its losses, on repeated induction sequences.
 *
 * @param step the checkpoint's step
 * @param previousToken {@code [layer][head]} {@link HeadScores#previousToken}
 * @param prefixMatching {@code [layer][head]} {@link HeadScores#prefixMatching}
 * @param copying {@code [layer][head]} {@link HeadScores#copying} of the head's direct OV circuit
 * @param lossRepeat mean loss at positions {@code m+1 .. 2m-1} of each sequence with a prefix of m tokens (predicting
 *     the repeat after its first token)
 * @param lossFirst mean loss at positions {@code 1 .. m-1} (predicting the prefix after its first token)
 * @param lossByPosition mean loss at each scored position {@code 0 .. 2L-1}, over every sequence
 */
public record CheckpointHeads(
        long step,
        double[][] previousToken,
        double[][] prefixMatching,
        double[][] copying,
        double lossRepeat,
        double lossFirst,
        double[] lossByPosition) {

    /** The in-context-learning score: loss late in the sequence minus loss early, {@code lossRepeat - lossFirst}. */
    public double iclScore() {
        return lossRepeat - lossFirst;
    }

    /**
     * Measures the loaded weights of {@code model} on {@code ex}, repeated sequences of {@code task}.
     *
     * @param ex repeated sequences (every one {@link Induction#repeated}), with every position scored
     */
    public static CheckpointHeads measure(long step, Model model, Induction task, Examples ex, NDManager manager) {
        TransformerConfig cfg = (TransformerConfig) model.config();
        int layers = cfg.nLayers();
        int len = ex.seqLen();
        List<String> hooks = new ArrayList<>();
        for (int l = 0; l < layers; l++) {
            hooks.add(AttentionPatterns.hook(l));
        }
        double[][] prev = new double[layers][];
        double[][] prefix = new double[layers][];
        double[] byPosition;
        int[] periods = new int[ex.n()];
        for (int i = 0; i < periods.length; i++) {
            periods[i] = task.period(ex, i);
        }
        double[] perToken;
        try (StepScope s = new StepScope();
                Activations cache = Caching.run(
                        model, Tensors.tokens(manager, ex.tokens(), ex.n(), len), NameFilter.names(hooks), manager)) {
            for (int l = 0; l < layers; l++) {
                double[][][][] p = AttentionPatterns.of(cache, l);
                prev[l] = HeadScores.previousToken(p);
                prefix[l] = HeadScores.prefixMatching(p, periods);
            }
            perToken = losses(cache.doubles(Activations.LOGITS), ex, cfg.dVocabOut());
            byPosition = columnMeans(perToken, ex.n(), ex.scored().length);
        }
        double[][] copy = new double[layers][cfg.nHeads()];
        double[][] wE = matrix(model, "embed.W_E", cfg.dVocab(), cfg.dModel());
        double[][] wU = matrix(model, "unembed.W_U", cfg.dModel(), cfg.dVocabOut());
        for (int l = 0; l < layers; l++) {
            double[] wV = Tensors.doubles(model.params().get("blocks." + l + ".attn.W_V"));
            double[] wO = Tensors.doubles(model.params().get("blocks." + l + ".attn.W_O"));
            int d = cfg.dModel();
            int e = cfg.dHead();
            for (int h = 0; h < cfg.nHeads(); h++) {
                double[][] v = Tensors.reshape(java.util.Arrays.copyOfRange(wV, h * d * e, (h + 1) * d * e), d, e);
                double[][] o = Tensors.reshape(java.util.Arrays.copyOfRange(wO, h * e * d, (h + 1) * e * d), e, d);
                copy[l][h] = HeadScores.copying(HeadScores.ovCircuit(wE, v, o, wU, task.vocab()));
            }
        }
        return new CheckpointHeads(
                step,
                prev,
                prefix,
                copy,
                mean(perToken, ex.scored().length, periods, true),
                mean(perToken, ex.scored().length, periods, false),
                byPosition);
    }

    private static double[][] matrix(Model model, String name, int rows, int cols) {
        return Tensors.reshape(Tensors.doubles(model.params().get(name)), rows, cols);
    }

    /** Cross-entropy of every example at every scored position, in float64, from logits {@code [n, seqLen, vocab]}. */
    static double[] losses(double[] logits, Examples ex, int vocab) {
        int len = ex.seqLen();
        int scored = ex.scored().length;
        double[] loss = new double[ex.n() * scored];
        for (int i = 0; i < ex.n(); i++) {
            for (int j = 0; j < scored; j++) {
                int base = (i * len + ex.scored()[j]) * vocab;
                double max = Double.NEGATIVE_INFINITY;
                for (int c = 0; c < vocab; c++) {
                    max = Math.max(max, logits[base + c]);
                }
                double z = 0;
                for (int c = 0; c < vocab; c++) {
                    z += Math.exp(logits[base + c] - max);
                }
                int y = (int) ex.targets()[i * scored + j];
                loss[i * scored + j] = max + Math.log(z) - logits[base + y];
            }
        }
        return loss;
    }

    private static double[] columnMeans(double[] v, int rows, int cols) {
        double[] m = new double[cols];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                m[j] += v[i * cols + j] / rows;
            }
        }
        return m;
    }

    /** Token-weighted mean loss over each example's repeat ({@code m+1..2m-1}) or first ({@code 1..m-1}) positions. */
    private static double mean(double[] perToken, int cols, int[] periods, boolean repeat) {
        double s = 0;
        long n = 0;
        for (int i = 0; i < periods.length; i++) {
            int[] positions = repeat ? Induction.repeatPositions(periods[i]) : Induction.firstPositions(periods[i]);
            for (int p : positions) {
                s += perToken[i * cols + p]; // scored positions are 0..2L-1: column p is position p
            }
            n += positions.length;
        }
        return s / n;
    }
}

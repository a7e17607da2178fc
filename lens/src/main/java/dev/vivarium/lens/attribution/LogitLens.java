package dev.vivarium.lens.attribution;

import ai.djl.ndarray.NDArray;
import dev.vivarium.core.engine.StepScope;
import dev.vivarium.core.model.Model;
import dev.vivarium.lens.cache.Activations;
import dev.vivarium.lens.numeric.Tensors;
import java.util.ArrayList;
import java.util.List;

/**
 * The logit lens: the residual stream entering the first layer and leaving each layer, at one
 * position, passed through {@code ln_final} (recomputed on that stream) and the unembedding. The
 * last entry equals the model's logits.
 */
public final class LogitLens {
    private LogitLens() {}

    /** The logits read from one residual stream point: {@code logits[example][vocab]}. */
    public record Layer(String hook, double[][] logits) {
        /** The mean over examples of the log-probability of each example's target. */
        public double meanLogProb(long[] targets) {
            double sum = 0;
            for (int b = 0; b < logits.length; b++) {
                double max = Double.NEGATIVE_INFINITY;
                for (double v : logits[b]) {
                    max = Math.max(max, v);
                }
                double z = 0;
                for (double v : logits[b]) {
                    z += Math.exp(v - max);
                }
                sum += logits[b][(int) targets[b]] - max - Math.log(z);
            }
            return sum / logits.length;
        }

        /** The share of examples whose largest logit is their target. */
        public double accuracy(long[] targets) {
            int right = 0;
            for (int b = 0; b < logits.length; b++) {
                int best = 0;
                for (int v = 1; v < logits[b].length; v++) {
                    if (logits[b][v] > logits[b][best]) {
                        best = v;
                    }
                }
                right += best == targets[b] ? 1 : 0;
            }
            return (double) right / logits.length;
        }
    }

    /** The residual-stream points the lens reads, in order. */
    public static List<String> points(int nLayers) {
        List<String> names = new ArrayList<>(List.of("blocks.0.hook_resid_pre"));
        for (int l = 0; l < nLayers; l++) {
            names.add("blocks." + l + ".hook_resid_post");
        }
        return names;
    }

    /** Needs the cache to hold {@link #points}. */
    public static List<Layer> run(Model model, Activations cache, int position) {
        Unembedding u = new Unembedding(model);
        List<Layer> out = new ArrayList<>();
        for (String hook : points(u.cfg().nLayers())) {
            try (StepScope s = new StepScope()) {
                NDArray logits = u.logits(Unembedding.at(cache.get(hook), position)); // [batch, vocab]
                out.add(new Layer(hook, Tensors.matrix(logits)));
            }
        }
        return out;
    }
}

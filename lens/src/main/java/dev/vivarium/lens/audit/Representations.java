package dev.vivarium.lens.audit;

import ai.djl.ndarray.NDManager;
import dev.vivarium.core.engine.StepScope;
import dev.vivarium.core.model.Model;
import dev.vivarium.core.model.TransformerConfig;
import dev.vivarium.core.task.Examples;
import dev.vivarium.lens.cache.Activations;
import dev.vivarium.lens.cache.Caching;
import dev.vivarium.lens.cache.NameFilter;
import dev.vivarium.lens.numeric.Tensors;

/**
 * One forward pass over some examples: the activation at one hook point and position, one row an example, and
 * the model's answer (argmax of the logits) at the scored position.
 *
 * @param rows {@code [examples, features]}
 * @param answers the predicted token at the first scored position
 */
public record Representations(double[][] rows, long[] answers) {
    /** The final residual stream, {@code blocks.<last>.hook_resid_post}: the "last hidden layer" of the papers. */
    public static String defaultHook(TransformerConfig cfg) {
        return "blocks." + (cfg.nLayers() - 1) + ".hook_resid_post";
    }

    /** Runs {@code model} over {@code ex} and reads {@code hook} at {@code ex}'s first scored position. */
    public static Representations of(Model model, NDManager manager, Examples ex, String hook) {
        if (!model.hooks().names().contains(hook)) {
            throw new IllegalArgumentException("--hook " + hook + ": no such hook point; the model has "
                    + model.hooks().names());
        }
        int pos = ex.scored()[0];
        try (StepScope s = new StepScope();
                Activations cache = Caching.run(
                        model,
                        Tensors.tokens(manager, ex.tokens(), ex.n(), ex.seqLen()),
                        NameFilter.names(hook),
                        manager)) {
            double[][] rows = Tensors.matrix(cache.get(hook).get(":, " + pos + ", :"));
            double[][] logits = Tensors.matrix(cache.logits().get(":, " + pos + ", :"));
            long[] answers = new long[logits.length];
            for (int i = 0; i < logits.length; i++) {
                int best = 0;
                for (int c = 1; c < logits[i].length; c++) {
                    if (logits[i][c] > logits[i][best]) {
                        best = c;
                    }
                }
                answers[i] = best;
            }
            return new Representations(rows, answers);
        }
    }
}

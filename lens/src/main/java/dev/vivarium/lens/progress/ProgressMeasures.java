package dev.vivarium.lens.progress;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.vivarium.core.engine.StepScope;
import dev.vivarium.core.model.Model;
import dev.vivarium.core.task.ModularArithmetic;
import dev.vivarium.core.task.Split;
import dev.vivarium.lens.fourier.FourierLosses;
import dev.vivarium.lens.fourier.ModularForward;
import java.util.List;

/** The progress measures of one set of weights. */
public final class ProgressMeasures {
    private ProgressMeasures() {}

    /**
     * @param keys the key frequencies (Nanda et al. take them from the fully trained model and use
     *     them at every checkpoint)
     * @param split indices into the task's examples, which are every {@code (a, b)} in order
     */
    public static ProgressRow at(
            long step, Model model, ModularArithmetic task, Split split, List<Integer> keys, NDManager m) {
        ModularForward f = ModularForward.run(model, task, m);
        return new ProgressRow(
                step,
                FourierLosses.crossEntropy(f.logits(), f.labels(), split.train()),
                FourierLosses.crossEntropy(f.logits(), f.labels(), split.test()),
                accuracy(f, split.train()),
                accuracy(f, split.test()),
                FourierLosses.restricted(f, keys),
                FourierLosses.excluded(f, keys, split.train()),
                f.embedding().gini(),
                f.giniNeuronLogit(),
                weightNorm(model));
    }

    /** L2 norm of every trained parameter, as the training log's {@code weight_norm}. */
    public static double weightNorm(Model model) {
        double sq = 0;
        try (StepScope s = new StepScope()) {
            for (String n : model.params().trainableNames()) {
                sq += model.params()
                        .get(n)
                        .stopGradient()
                        .toType(DataType.FLOAT64, true)
                        .square()
                        .sum()
                        .getDouble();
            }
        }
        return Math.sqrt(sq);
    }

    static double accuracy(ModularForward f, int[] rows) {
        int right = 0;
        for (int i : rows) {
            double[] l = f.logits()[i];
            int best = 0;
            for (int c = 1; c < l.length; c++) {
                best = l[c] > l[best] ? c : best;
            }
            right += best == f.labels()[i] ? 1 : 0;
        }
        return (double) right / rows.length;
    }
}

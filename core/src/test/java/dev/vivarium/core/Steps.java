package dev.vivarium.core;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.training.GradientCollector;
import dev.vivarium.core.engine.StepScope;
import dev.vivarium.core.model.Model;
import dev.vivarium.core.model.Params;
import dev.vivarium.core.train.Loss;
import dev.vivarium.core.train.Optimizer;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/** One forward and backward pass as the trainer does it, with everything copied out to Java arrays. */
public final class Steps {
    private Steps() {}

    /**
     * What a step computed.
     *
     * @param logits the forward's output, row-major
     * @param shape its shape
     * @param loss the float64 cross-entropy
     * @param grads d loss / d param of every trainable parameter
     */
    public record Step(float[] logits, long[] shape, double loss, Map<String, float[]> grads) {}

    /**
     * Runs {@code forward} (tokens to logits {@code [batch, scored, vocab]}), takes the cross-entropy
     * against {@code targets} and back-propagates, in a step scope as {@code Trainer} does.
     */
    public static Step run(Model model, NDArray tokens, NDArray targets, Function<NDArray, NDArray> forward) {
        Params params = model.params();
        try (StepScope scope = new StepScope()) {
            Optimizer.zeroGradients(params);
            float[] logits;
            long[] shape;
            double loss;
            try (GradientCollector gc = Engine.getEngine("PyTorch").newGradientCollector()) {
                NDArray out = forward.apply(tokens);
                logits = Fixtures.floats(out);
                shape = out.getShape().getShape();
                NDArray l = Loss.crossEntropy(out, targets);
                loss = l.getDouble();
                gc.backward(l);
            }
            Map<String, float[]> grads = new LinkedHashMap<>();
            for (String n : params.trainableNames()) {
                grads.put(n, Fixtures.floats(params.get(n).getGradient()));
            }
            return new Step(logits, shape, loss, grads);
        }
    }

    /** The logits of the scored positions through {@link Model#logits}. */
    public static Step scored(Model model, NDArray tokens, NDArray targets, int[] scored) {
        return run(model, tokens, targets, t -> model.logits(t, scored));
    }

    /** The logits of the scored positions picked out of {@link Model#forwardAll}. */
    public static Step full(Model model, NDArray tokens, NDArray targets, int[] scored) {
        return run(model, tokens, targets, t -> select(model.forwardAll(t), scored));
    }

    /** {@code logits[:, scored]} of a {@code [batch, pos, vocab]} array. */
    public static NDArray select(NDArray all, int[] scored) {
        NDArray[] parts = new NDArray[scored.length];
        for (int i = 0; i < scored.length; i++) {
            parts[i] = all.get(":, " + scored[i] + ":" + (scored[i] + 1));
        }
        return parts.length == 1 ? parts[0] : NDArrays.concat(new NDList(parts), 1);
    }
}

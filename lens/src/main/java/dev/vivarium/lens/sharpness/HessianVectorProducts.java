package dev.vivarium.lens.sharpness;

import ai.djl.ndarray.NDArray;
import ai.djl.pytorch.jni.JniUtils;
import dev.vivarium.core.engine.StepScope;
import dev.vivarium.core.model.Model;
import dev.vivarium.core.train.Loss;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code v -> H v} for the Hessian H of a model's training loss (mean float64 cross-entropy at the
 * scored positions) with respect to its trainable parameters, in their order.
 *
 * <p>The forward pass and the gradient with its graph are built once, when this object is made,
 * and kept until {@link #close}; each product is one more backward through them. Every array a
 * product makes is freed before it returns, so native memory stays flat however many products are
 * taken, and {@code close} frees the graph itself (nothing is left in any parameter's {@code .grad}).
 */
public final class HessianVectorProducts implements AutoCloseable {
    private final StepScope scope = new StepScope();
    private final List<NDArray> params;
    private final List<NDArray> grads;
    private final double loss;

    /**
     * @param tokens {@code [batch, pos]} int64
     * @param targets {@code [batch, scored.length]} int64
     */
    public HessianVectorProducts(Model model, NDArray tokens, NDArray targets, int[] scored) {
        try {
            params = model.params().trainableNames().stream()
                    .map(model.params()::get)
                    .toList();
            boolean gradMode = JniUtils.isGradMode();
            NDArray lossArray;
            try {
                JniUtils.setGradMode(true);
                lossArray = Loss.crossEntropy(model.logits(tokens, scored), targets); // float64 scalar
            } finally {
                JniUtils.setGradMode(gradMode);
            }
            this.loss = lossArray.getDouble();
            grads = AutogradGrad.grad(List.of(lossArray), params, List.of(lossArray.onesLike()), true);
        } catch (RuntimeException e) {
            scope.close();
            throw e;
        }
    }

    /** The loss at the current parameters. */
    public double loss() {
        return loss;
    }

    /** The gradient, detached copies in parameter order. */
    public List<float[]> gradient() {
        return grads.stream().map(NDArray::toFloatArray).toList();
    }

    /** Shapes of the parameters, in order. */
    public List<long[]> shapes() {
        return params.stream().map(p -> p.getShape().getShape()).toList();
    }

    /** {@code H v}, with {@code v} given per parameter as float32 values in parameter order. */
    public List<float[]> apply(List<float[]> v) {
        if (v.size() != params.size()) {
            throw new IllegalArgumentException(v.size() + " vector parts for " + params.size() + " parameters");
        }
        try (StepScope s = new StepScope()) {
            List<NDArray> vs = new ArrayList<>();
            for (int i = 0; i < v.size(); i++) {
                NDArray p = params.get(i);
                vs.add(dev.vivarium.core.engine.Ops.floats(p.getManager(), v.get(i), p.getShape()));
            }
            List<NDArray> hv = AutogradGrad.grad(grads, params, vs, false);
            List<float[]> out = new ArrayList<>();
            for (NDArray h : hv) {
                out.add(h.toFloatArray());
            }
            return out;
        }
    }

    @Override
    public void close() {
        scope.close();
    }
}

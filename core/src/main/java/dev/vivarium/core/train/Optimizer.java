package dev.vivarium.core.train;

import ai.djl.ndarray.NDArray;
import dev.vivarium.core.model.Params;
import dev.vivarium.store.safetensors.Tensor;
import java.util.Map;

/**
 * Updates a model's trained parameters from their gradients, in place, outside autograd.
 *
 * <p>All state is allocated when the optimizer is made (never lazily inside a step scope), owned
 * by the parameters' manager, and can be saved and restored exactly for resuming a run.
 */
public interface Optimizer {
    /** Applies one update with learning rate {@code lr}; the number of updates so far grows by one. */
    void step(double lr);

    /** Updates applied so far. */
    long updates();

    /** The state as named float32 tensors (for the optimizer file of a checkpoint). */
    Map<String, Tensor> state();

    /** Restores the state saved by {@link #state} after {@code updates} updates. */
    void load(Map<String, Tensor> state, long updates, String source);

    /**
     * Builds the optimizer a {@link TrainConfig} asks for over the trained parameters of {@code params}, leaving
     * its frozen ones alone (their optimizer state stays zero).
     */
    static Optimizer of(TrainConfig cfg, Params params) {
        cfg.requireFreezeMatches(params.trainableNames());
        SlottedOptimizer o =
                switch (cfg.optimizer()) {
                    case ADAMW -> new AdamW(
                            params, cfg.betas().get(0), cfg.betas().get(1), cfg.eps(), cfg.weightDecay(), cfg::decays);
                    case SGD -> new Sgd(params, cfg.momentum(), cfg.weightDecay(), cfg::decays);
                };
        return o.freezing(cfg::frozen);
    }

    /** Sets the gradients of every trained parameter to zero (backward accumulates). */
    static void zeroGradients(Params params) {
        for (String n : params.trainableNames()) {
            dev.vivarium.core.engine.Ops.zeroGrad(params.get(n));
        }
    }

    /** Helper for implementations: state tensor copied into a fresh array of the same shape. */
    static NDArray restore(NDArray like, Map<String, Tensor> state, String key, String source) {
        Tensor t = state.get(key);
        if (t == null) {
            throw new IllegalArgumentException(source + ": missing optimizer tensor " + key);
        }
        if (!java.util.Arrays.equals(t.shape(), like.getShape().getShape())) {
            throw new IllegalArgumentException(source + ": optimizer tensor " + key + " has shape "
                    + java.util.Arrays.toString(t.shape()) + ", expected " + like.getShape());
        }
        return dev.vivarium.core.engine.Ops.owned(
                dev.vivarium.core.engine.Ops.floats(like.getManager(), t.toFloats(), like.getShape()));
    }
}

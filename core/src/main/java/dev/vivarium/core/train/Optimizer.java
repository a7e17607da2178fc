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

    /**
     * Applies one update to a population, member {@code m} with learning rate {@code lrs[m]} (with one member,
     * exactly {@link #step(double)}).
     */
    void step(double[] lrs);

    /** Member {@code m}'s state without the model axis, as its own optimizer would save it. */
    Map<String, Tensor> memberState(int m);

    /** Restores every member's state (each as {@link #memberState} gives it) after {@code updates} updates. */
    void loadMembers(java.util.List<Map<String, Tensor>> perMember, long updates, String source);

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

    /**
     * The optimizer of a population whose member {@code m} trains under {@code cfgs.get(m)}: one kind, betas, eps,
     * momentum, decayed and frozen parameters for all (the error names the first field that differs), a weight
     * decay per member.
     */
    static Optimizer ofPopulation(java.util.List<TrainConfig> cfgs, Params params) {
        if (cfgs.size() != params.members()) {
            throw new IllegalArgumentException(cfgs.size() + " train configs for " + params.members() + " members");
        }
        if (cfgs.size() == 1) {
            return of(cfgs.get(0), params);
        }
        TrainConfig first = cfgs.get(0);
        first.requireFreezeMatches(params.trainableNames());
        double[] wd = new double[cfgs.size()];
        for (int m = 0; m < cfgs.size(); m++) {
            TrainConfig c = cfgs.get(m);
            sameForAll(m, "train.optimizer", first.optimizer(), c.optimizer());
            sameForAll(m, "train.betas", first.betas(), c.betas());
            sameForAll(m, "train.eps", first.eps(), c.eps());
            sameForAll(m, "train.momentum", first.momentum(), c.momentum());
            sameForAll(m, "train.decay", first.decay(), c.decay());
            sameForAll(m, "train.freeze", first.freeze(), c.freeze());
            wd[m] = c.weightDecay();
        }
        SlottedOptimizer o =
                switch (first.optimizer()) {
                    case ADAMW -> new AdamW(
                            params, first.betas().get(0), first.betas().get(1), first.eps(), wd, first::decays);
                    case SGD -> new Sgd(params, first.momentum(), wd, first::decays);
                };
        return o.freezing(first::frozen);
    }

    private static void sameForAll(int member, String field, Object first, Object other) {
        if (!java.util.Objects.equals(first, other)) {
            throw new IllegalArgumentException(field + ": member " + member + " has " + other + ", member 0 has "
                    + first + "; a population shares it (members differ only in seed, learning rate, weight decay,"
                    + " warm-up and the task's data)");
        }
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

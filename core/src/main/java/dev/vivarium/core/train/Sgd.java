package dev.vivarium.core.train;

import ai.djl.ndarray.NDArray;
import dev.vivarium.core.engine.StepScope;
import dev.vivarium.core.model.Params;
import java.util.function.Predicate;

/**
 * Stochastic gradient descent with momentum as {@code torch.optim.SGD} computes it (no dampening,
 * no Nesterov): {@code g += wd*p; buf = momentum*buf + g; p -= lr*buf}, the buffer starting at the
 * first gradient. A population's members each have their own learning rate and weight decay (see {@link
 * AdamW}).
 */
public final class Sgd extends SlottedOptimizer {
    private final double momentum;
    private final double weightDecay;
    private final double[] weightDecays;
    private final Predicate<String> decays;

    /** Weight decay on every trainable parameter. */
    public Sgd(Params params, double momentum, double weightDecay) {
        this(params, momentum, weightDecay, name -> true);
    }

    /** Weight decay on the parameters {@code decays} accepts (by name). */
    public Sgd(Params params, double momentum, double weightDecay, Predicate<String> decays) {
        this(params, momentum, filled(params.members(), weightDecay), decays);
    }

    /** A population's optimizer: member {@code m} decays by {@code weightDecays[m]}. */
    public Sgd(Params params, double momentum, double[] weightDecays, Predicate<String> decays) {
        super(params, "momentum");
        if (weightDecays.length != params.members()) {
            throw new IllegalArgumentException(
                    weightDecays.length + " weight decays for " + params.members() + " members");
        }
        this.momentum = momentum;
        this.weightDecay = weightDecays[0];
        this.weightDecays = weightDecays.clone();
        this.decays = decays;
    }

    @Override
    public void step(double[] lrs) {
        if (params.members() == 1) {
            step(lrs[0]);
            return;
        }
        requireMembers(lrs);
        long t = nextUpdate();
        boolean anyDecay = java.util.Arrays.stream(weightDecays).anyMatch(w -> w != 0);
        try (StepScope scope = new StepScope()) {
            NDArray lrV = perMember(lrs);
            NDArray wdV = perMember(weightDecays);
            for (String n : updated()) {
                NDArray p = params.get(n);
                NDArray g = p.getGradient();
                int rank = p.getShape().dimension();
                if (anyDecay && decays.test(n)) {
                    g = g.add(p.mul(broadcastable(wdV, rank)));
                }
                if (momentum == 0) {
                    p.subi(g.mul(broadcastable(lrV, rank)));
                    continue;
                }
                NDArray b = slot("momentum", n);
                if (t == 1) {
                    b.muli(0).addi(g);
                } else {
                    b.muli(momentum).addi(g);
                }
                p.subi(b.mul(broadcastable(lrV, rank)));
            }
        }
    }

    @Override
    public void step(double lr) {
        long t = nextUpdate();
        try (StepScope scope = new StepScope()) {
            for (String n : updated()) {
                NDArray p = params.get(n);
                NDArray g = p.getGradient();
                if (weightDecay != 0 && decays.test(n)) {
                    g = g.add(p.mul(weightDecay));
                }
                if (momentum == 0) {
                    p.subi(g.mul(lr));
                    continue;
                }
                NDArray b = slot("momentum", n);
                if (t == 1) {
                    b.muli(0).addi(g);
                } else {
                    b.muli(momentum).addi(g);
                }
                p.subi(b.mul(lr));
            }
        }
    }
}

package dev.vivarium.core.train;

import ai.djl.ndarray.NDArray;
import dev.vivarium.core.engine.StepScope;
import dev.vivarium.core.model.Params;
import java.util.function.Predicate;

/**
 * Stochastic gradient descent with momentum as {@code torch.optim.SGD} computes it (no dampening,
 * no Nesterov): {@code g += wd*p; buf = momentum*buf + g; p -= lr*buf}, the buffer starting at the
 * first gradient.
 */
public final class Sgd extends SlottedOptimizer {
    private final double momentum;
    private final double weightDecay;
    private final Predicate<String> decays;

    /** Weight decay on every trainable parameter. */
    public Sgd(Params params, double momentum, double weightDecay) {
        this(params, momentum, weightDecay, name -> true);
    }

    /** Weight decay on the parameters {@code decays} accepts (by name). */
    public Sgd(Params params, double momentum, double weightDecay, Predicate<String> decays) {
        super(params, "momentum");
        this.momentum = momentum;
        this.weightDecay = weightDecay;
        this.decays = decays;
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

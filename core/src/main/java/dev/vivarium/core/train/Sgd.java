package dev.vivarium.core.train;

import ai.djl.ndarray.NDArray;
import dev.vivarium.core.engine.StepScope;
import dev.vivarium.core.model.Params;

/**
 * Stochastic gradient descent with momentum as {@code torch.optim.SGD} computes it (no dampening,
 * no Nesterov): {@code g += wd*p; buf = momentum*buf + g; p -= lr*buf}, the buffer starting at the
 * first gradient.
 */
public final class Sgd extends SlottedOptimizer {
    private final double momentum;
    private final double weightDecay;

    public Sgd(Params params, double momentum, double weightDecay) {
        super(params, "momentum");
        this.momentum = momentum;
        this.weightDecay = weightDecay;
    }

    @Override
    public void step(double lr) {
        long t = nextUpdate();
        try (StepScope scope = new StepScope()) {
            for (String n : params.trainableNames()) {
                NDArray p = params.get(n);
                NDArray g = p.getGradient();
                if (weightDecay != 0) {
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

package dev.vivarium.core.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.GradientCollector;
import dev.vivarium.core.engine.StepScope;
import dev.vivarium.core.hook.HookScope;
import dev.vivarium.core.model.Model;
import dev.vivarium.core.model.Params;

/**
 * The embedding-space PGD attack of {@link Adversarial}: {@link #attack} finds the perturbation of a batch,
 * {@link #perturbed} adds it at {@code hook_embed} for a forward pass, {@link #evaluate} scores a model on
 * attacked inputs. The attack maximises the mean cross-entropy at the scored positions; it leaves gradients
 * in the model's parameters, which the caller zeroes before its own backward pass.
 */
public final class Pgd {
    /** Where the perturbation is added: the token embedding of a transformer, the input vector of an MLP. */
    public static final String POINT = "hook_embed";

    private final Adversarial cfg;

    public Pgd(Adversarial cfg) {
        this.cfg = cfg;
    }

    public Adversarial config() {
        return cfg;
    }

    /**
     * The perturbation of {@code tokens}, shaped like the activation at {@link #POINT}, found by
     * {@code cfg.steps()} steps of projected gradient ascent on the loss from zero. Detached: it carries no
     * gradient and no graph.
     */
    public NDArray attack(Model model, NDArray tokens, NDArray targets, int[] scored) {
        NDArray delta = null;
        for (int s = 0; s < cfg.steps(); s++) {
            NDArray[] current = {delta};
            NDArray grad;
            try (GradientCollector gc = Engine.getEngine("PyTorch").newGradientCollector();
                    HookScope h = model.hooks().add(POINT, (name, x) -> {
                        if (current[0] == null) {
                            current[0] = x.zerosLike();
                        }
                        current[0].setRequiresGradient(true);
                        return x.add(current[0]);
                    })) {
                NDArray loss = Loss.crossEntropy(model.logits(tokens, scored), targets);
                gc.backward(loss);
            }
            delta = current[0];
            grad = delta.getGradient();
            delta = step(delta.stopGradient(), grad);
        }
        return delta;
    }

    /** One ascent step from {@code delta} along {@code grad}, projected onto the epsilon-ball. */
    private NDArray step(NDArray delta, NDArray grad) {
        int[] rest = new int[delta.getShape().dimension() - 1];
        for (int i = 0; i < rest.length; i++) {
            rest[i] = i + 1;
        }
        switch (cfg.norm()) {
            case LINF -> {
                return delta.add(grad.sign().mul(cfg.stepSize())).clip(-cfg.epsilon(), cfg.epsilon());
            }
            case L2 -> {
                NDArray gNorm = grad.square().sum(rest, true).sqrt().add(1e-12f);
                NDArray moved = delta.add(grad.div(gNorm).mul(cfg.stepSize()));
                NDArray norm = moved.square().sum(rest, true).sqrt();
                NDArray scale = norm.add(1e-12f).pow(-1).mul(cfg.epsilon()).minimum(1f);
                return moved.mul(scale);
            }
            default -> throw new IllegalStateException("norm " + cfg.norm());
        }
    }

    /** Adds {@code delta} at {@link #POINT} until the scope is closed. */
    public static HookScope perturbed(Model model, NDArray delta) {
        return model.hooks().add(POINT, (name, x) -> x.add(delta));
    }

    /**
     * Loss and accuracy of {@code model} on attacked inputs, in chunks of {@code chunk} examples; the model's
     * gradients are zeroed after each chunk's attack.
     */
    public Evaluator.Score evaluate(Model model, NDArray tokens, NDArray targets, int[] scored, int chunk) {
        long n = tokens.getShape().get(0);
        double lossSum = 0;
        long correctTokens = 0;
        long exact = 0;
        Params params = model.params();
        for (long from = 0; from < n; from += chunk) {
            long to = Math.min(n, from + chunk);
            try (StepScope s = new StepScope()) {
                NDArray tok = from == 0 && to == n ? tokens : tokens.get(from + ":" + to);
                NDArray tgt = from == 0 && to == n ? targets : targets.get(from + ":" + to);
                NDArray delta = attack(model, tok, tgt, scored);
                Optimizer.zeroGradients(params);
                try (HookScope h = perturbed(model, delta)) {
                    NDArray logits = model.logits(tok, scored);
                    lossSum += Loss.crossEntropySum(logits, tgt);
                    NDArray correct = Loss.correct(logits, tgt).toType(DataType.INT64, false);
                    correctTokens += correct.sum().getLong();
                    exact += correct.min(new int[] {1}).sum().getLong();
                }
            }
        }
        return new Evaluator.Score(
                lossSum / (n * scored.length),
                (double) correctTokens / (n * scored.length),
                (double) exact / n,
                new double[0]);
    }
}

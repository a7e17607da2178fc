package dev.vivarium.core.train;

import ai.djl.ndarray.NDArray;
import dev.vivarium.core.engine.StepScope;
import dev.vivarium.core.model.Params;
import java.util.function.Predicate;

/**
 * AdamW (Loshchilov and Hutter 2019) exactly as {@code torch.optim.AdamW} computes it: decoupled
 * weight decay {@code p *= 1 - lr*wd}, bias-corrected moments, {@code eps} added to the corrected
 * root second moment.
 *
 * <p>For a population ({@code [M, ...]} parameters) each member has its own learning rate and weight decay,
 * applied as {@code [M, 1, ...]} factors: {@link #step(double[])} gives every member exactly the update its own
 * optimizer would (the same float32 factors, elementwise).
 */
public final class AdamW extends SlottedOptimizer {
    private final double beta1;
    private final double beta2;
    private final double eps;
    private final double weightDecay;
    private final double[] weightDecays; // one per member
    private final Predicate<String> decays;

    /** Weight decay on every trainable parameter. */
    public AdamW(Params params, double beta1, double beta2, double eps, double weightDecay) {
        this(params, beta1, beta2, eps, weightDecay, name -> true);
    }

    /** Weight decay on the parameters {@code decays} accepts (by name); the others only follow the gradient. */
    public AdamW(Params params, double beta1, double beta2, double eps, double weightDecay, Predicate<String> decays) {
        this(params, beta1, beta2, eps, filled(params.members(), weightDecay), decays);
    }

    /** A population's optimizer: member {@code m} decays by {@code weightDecays[m]}. */
    public AdamW(
            Params params, double beta1, double beta2, double eps, double[] weightDecays, Predicate<String> decays) {
        super(params, "m", "v");
        if (weightDecays.length != params.members()) {
            throw new IllegalArgumentException(
                    weightDecays.length + " weight decays for " + params.members() + " members");
        }
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
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
        double bc1 = 1 - Math.pow(beta1, t);
        double bc2Sqrt = Math.sqrt(1 - Math.pow(beta2, t));
        double[] keep = new double[lrs.length];
        double[] size = new double[lrs.length];
        boolean anyDecay = false;
        for (int i = 0; i < lrs.length; i++) {
            keep[i] = 1 - lrs[i] * weightDecays[i];
            size[i] = lrs[i] / bc1;
            anyDecay |= weightDecays[i] != 0;
        }
        try (StepScope scope = new StepScope()) {
            NDArray keepV = perMember(keep);
            NDArray sizeV = perMember(size);
            for (String n : updated()) {
                NDArray p = params.get(n);
                NDArray g = p.getGradient();
                NDArray m = slot("m", n);
                NDArray v = slot("v", n);
                int rank = p.getShape().dimension();
                if (anyDecay && decays.test(n)) {
                    p.muli(broadcastable(keepV, rank));
                }
                m.muli(beta1).addi(g.mul(1 - beta1));
                v.muli(beta2).addi(g.square().muli(1 - beta2));
                NDArray denom = v.sqrt().divi(bc2Sqrt).addi(eps);
                p.subi(m.div(denom).muli(broadcastable(sizeV, rank)));
            }
        }
    }

    @Override
    public void step(double lr) {
        long t = nextUpdate();
        double bc1 = 1 - Math.pow(beta1, t);
        double bc2Sqrt = Math.sqrt(1 - Math.pow(beta2, t));
        double stepSize = lr / bc1;
        try (StepScope scope = new StepScope()) {
            for (String n : updated()) {
                NDArray p = params.get(n);
                NDArray g = p.getGradient();
                NDArray m = slot("m", n);
                NDArray v = slot("v", n);
                if (weightDecay != 0 && decays.test(n)) {
                    p.muli(1 - lr * weightDecay);
                }
                m.muli(beta1).addi(g.mul(1 - beta1));
                v.muli(beta2).addi(g.square().muli(1 - beta2));
                NDArray denom = v.sqrt().divi(bc2Sqrt).addi(eps);
                p.subi(m.div(denom).muli(stepSize));
            }
        }
    }
}

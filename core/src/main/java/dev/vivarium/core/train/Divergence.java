package dev.vivarium.core.train;

import ai.djl.ndarray.NDArray;
import dev.vivarium.core.model.Params;
import java.util.Locale;

/**
 * Training diverged: the loss of a step was NaN or infinite. Names the step and the first parameter whose
 * weights (or, if every weight is finite, whose gradient) hold a non-finite value. The update of that step is
 * not applied, so the model keeps its last finite weights.
 */
public final class Divergence extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final long step;

    private Divergence(long step, String message) {
        super(message);
        this.step = step;
    }

    /** The step whose loss was not finite. */
    public long step() {
        return step;
    }

    static Divergence at(long step, double loss, Params params) {
        String culprit = firstNonFinite(params, false);
        if (culprit == null) {
            culprit = firstNonFinite(params, true);
        }
        String where = culprit == null
                ? "every weight and gradient is finite (the loss overflowed)"
                : "first non-finite tensor: " + culprit;
        return new Divergence(
                step,
                String.format(
                        Locale.ROOT,
                        "training diverged at step %d: the loss is %s; %s (lower train.lr, or check the data)",
                        step,
                        loss,
                        where));
    }

    private static String firstNonFinite(Params params, boolean gradients) {
        for (String name : params.trainableNames()) {
            NDArray a = gradients ? params.get(name).getGradient() : params.get(name);
            boolean finite = a.isInfinite().logicalOr(a.isNaN()).none().getBoolean();
            if (!finite) {
                return name + (gradients ? " (gradient)" : " (weights)");
            }
        }
        return null;
    }
}

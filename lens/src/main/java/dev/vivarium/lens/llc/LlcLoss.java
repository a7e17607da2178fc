package dev.vivarium.lens.llc;

import ai.djl.ndarray.NDArray;
import java.util.List;

/**
 * A differentiable empirical loss {@code L_n(w)} of a set of parameter arrays over {@code n} training
 * examples: what {@link Llc} samples around. The parameters are leaves that require a gradient; the
 * estimator moves them in place and puts them back where it found them.
 */
public interface LlcLoss {
    /** The number of training examples {@code n}. */
    int n();

    /** The parameters {@code w}, in a fixed order (float32 or float64 leaves with gradients attached). */
    List<NDArray> params();

    /**
     * The mean loss over the examples {@code rows} at the current parameters, a scalar whose gradient reaches
     * {@link #params} (float64 where the loss difference matters).
     *
     * @param rows int64 {@code [m]}, indices in {@code [0, n)}
     */
    NDArray loss(NDArray rows);
}

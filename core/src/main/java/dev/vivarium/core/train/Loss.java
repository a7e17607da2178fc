package dev.vivarium.core.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import dev.vivarium.core.engine.Ops;

/** Cross-entropy in float64 (as Nanda et al.: float32 shows spurious spikes near zero loss). */
public final class Loss {
    private Loss() {}

    /**
     * Mean over examples and scored positions of {@code -log softmax(logits)[target]}.
     *
     * @param logits {@code [batch, scored, vocab]} float32
     * @param targets {@code [batch, scored]} int64
     * @return a float64 scalar whose gradient reaches the float32 logits
     */
    public static NDArray crossEntropy(NDArray logits, NDArray targets) {
        NDArray logProbs = Ops.logSoftmax64(logits); // [batch, scored, vocab] float64
        return Ops.gather(logProbs, targets.expandDims(-1), -1).mean().neg();
    }

    /** Sum over examples and positions of the loss (for averaging over evaluation chunks). */
    public static double crossEntropySum(NDArray logits, NDArray targets) {
        NDArray logProbs = Ops.logSoftmax64(logits);
        return -Ops.gather(logProbs, targets.expandDims(-1), -1).sum().getDouble();
    }

    /** Per-token correctness {@code [batch, scored]} as booleans. */
    public static NDArray correct(NDArray logits, NDArray targets) {
        return logits.argMax(-1).toType(DataType.INT64, false).eq(targets);
    }
}

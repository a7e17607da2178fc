package dev.vivarium.core.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import dev.vivarium.core.engine.Ops;

/**
 * Cross-entropy in float64 (as Nanda et al.: float32 shows spurious spikes near zero loss), and mean squared
 * error for regression tasks, also reduced in float64.
 */
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

    /**
     * Mean squared error, {@code mean((prediction - value)^2)} over examples and outputs (no factor 1/2, the
     * MSE Sharma and Kaplan report). The difference is taken in float64: subtracting float64 targets promotes
     * the float32 predictions exactly, inside the graph (a cast of the predictions would cut it).
     *
     * @param predictions {@code [batch, 1, dOut]} float32 (an MLP's output)
     * @param values {@code [batch, dOut]} targets, float64 (float32 targets are converted, outside the graph)
     * @return a float64 scalar whose gradient reaches the float32 predictions
     */
    public static NDArray mse(NDArray predictions, NDArray values) {
        return mse(predictions, values, null);
    }

    /**
     * Weighted mean squared error, {@code mean(w_i (prediction_i - value_i)^2)} over examples and outputs {@code
     * i} — the importance-weighted loss of Elhage et al. 2022 (their reference code's mean of {@code importance *
     * (x - x')^2}).
     *
     * @param outputWeights {@code [dOut]} float64 weight of each output, or null for the plain MSE
     */
    public static NDArray mse(NDArray predictions, NDArray values, NDArray outputWeights) {
        return squaredErrors(predictions, values, outputWeights).mean();
    }

    /** Sum over examples and outputs of the squared error (for averaging over evaluation chunks). */
    public static double squaredErrorSum(NDArray predictions, NDArray values) {
        return squaredErrorSum(predictions, values, null);
    }

    /** Sum over examples and outputs of the weighted squared error; {@code outputWeights} may be null. */
    public static double squaredErrorSum(NDArray predictions, NDArray values, NDArray outputWeights) {
        return squaredErrors(predictions, values, outputWeights).sum().getDouble();
    }

    private static NDArray squaredErrors(NDArray predictions, NDArray values, NDArray outputWeights) {
        NDArray p = predictions.reshape(values.getShape()); // [batch, dOut] float32
        NDArray v = values.getDataType() == DataType.FLOAT64 ? values : values.toType(DataType.FLOAT64, false);
        NDArray sq = p.sub(v).square(); // float32 - float64 is float64 (type promotion of a dimensioned tensor)
        return outputWeights == null ? sq : sq.mul(outputWeights);
    }

    /** Per-token correctness {@code [batch, scored]} as booleans. */
    public static NDArray correct(NDArray logits, NDArray targets) {
        return logits.argMax(-1).toType(DataType.INT64, false).eq(targets);
    }
}

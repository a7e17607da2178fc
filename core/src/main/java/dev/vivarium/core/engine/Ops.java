package dev.vivarium.core.engine;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;

/**
 * The operations models are written in, where DJL's generic API lacks them or gets them subtly
 * wrong for training (a float64 cast that drops the graph, Java scalars that may be freed before
 * backward). Every tensor made here from Java data is copied into libtorch-owned memory.
 */
public final class Ops {
    private Ops() {}

    /** A libtorch-owned copy of Java floats, safe to keep in a graph for any length of time. */
    public static NDArray floats(NDManager manager, float[] values, Shape shape) {
        try (NDArray onJavaBuffer = manager.create(values, shape)) {
            return onJavaBuffer.duplicate();
        }
    }

    /** A libtorch-owned copy of Java doubles. */
    public static NDArray doubles(NDManager manager, double[] values, Shape shape) {
        try (NDArray onJavaBuffer = manager.create(values, shape)) {
            return onJavaBuffer.duplicate();
        }
    }

    /** A libtorch-owned copy of Java longs (token ids, targets). */
    public static NDArray longs(NDManager manager, long[] values, Shape shape) {
        try (NDArray onJavaBuffer = manager.create(values, shape)) {
            return onJavaBuffer.duplicate();
        }
    }

    /**
     * Takes {@code array} out of any open step scope: for parameters, optimizer state and model
     * constants, which live as long as their manager, not as long as the step that made them.
     */
    public static NDArray owned(NDArray array) {
        NDScope.unregister(array);
        return array;
    }

    /** A 0-d float32 constant in libtorch-owned memory: the only way a number enters a graph. */
    public static NDArray scalar(NDManager manager, float value) {
        return owned(floats(manager, new float[] {value}, new Shape()));
    }

    /** {@code weight[tokens]}: rows of an embedding table, differentiable in the table. */
    public static NDArray embedding(NDArray tokens, NDArray weight) {
        return JniUtils.embedding((PtNDArray) tokens, (PtNDArray) weight, false);
    }

    /** {@code log_softmax(x.to(float64))} along the last axis; gradients reach the float32 input. */
    public static NDArray logSoftmax64(NDArray x) {
        return JniUtils.logSoftmax((PtNDArray) x, -1, DataType.FLOAT64);
    }

    /** Rectified linear unit. */
    public static NDArray relu(NDArray x) {
        return JniUtils.relu((PtNDArray) x);
    }

    /** Gaussian error linear unit, exact (erf) form as {@code torch.nn.functional.gelu}. */
    public static NDArray gelu(NDArray x) {
        return JniUtils.gelu((PtNDArray) x);
    }

    /** Softmax along the last axis, in the input's precision. */
    public static NDArray softmax(NDArray x) {
        return JniUtils.softmax((PtNDArray) x, -1, x.getDataType());
    }

    /** Layer norm over the last axis with scale {@code w} and shift {@code b}. */
    public static NDArray layerNorm(NDArray x, NDArray w, NDArray b, double eps) {
        long d = x.getShape().get(x.getShape().dimension() - 1);
        return JniUtils.layerNorm((PtNDArray) x, new Shape(d), (PtNDArray) w, (PtNDArray) b, eps);
    }

    /** Matrix product with batch broadcasting ({@code torch.matmul}). */
    public static NDArray matmul(NDArray a, NDArray b) {
        return JniUtils.matmul((PtNDArray) a, (PtNDArray) b);
    }

    /** Permutes axes without copying. */
    public static NDArray permute(NDArray x, long... dims) {
        return JniUtils.permute((PtNDArray) x, dims);
    }

    /** {@code x.gather(dim, index)}. */
    public static NDArray gather(NDArray x, NDArray index, int dim) {
        return JniUtils.gather((PtNDArray) x, (PtNDArray) index, dim);
    }

    /** Sets the gradient of a trained leaf to zero in place (backward accumulates). */
    public static void zeroGrad(NDArray leaf) {
        JniUtils.zeroGrad((PtNDArray) leaf);
    }
}

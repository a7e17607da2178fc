package dev.vivarium.lens.sae;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.vivarium.core.engine.Ops;
import dev.vivarium.core.model.Params;
import dev.vivarium.store.safetensors.Tensor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A sparse autoencoder over activations of width {@code d_in}, with SAELens's names and shapes:
 *
 * <pre>
 *   f     = act(((s x) - b_dec) W_enc + b_enc)      W_enc [d_in, d_sae], b_enc [d_sae]
 *   x_hat = (f W_dec + b_dec) / s                   W_dec [d_sae, d_in], b_dec [d_in]
 * </pre>
 *
 * with {@code act} ReLU, or TopK (the k largest pre-activations kept, then ReLU; Gao et al. 2024), the pre-bias
 * {@code b_dec} tied between input and output (Bricken et al. 2023), every decoder row (a latent's direction)
 * held at unit norm, and {@code s} the input scaling that makes the mean squared norm of the training activations
 * {@code d_in} (SAELens's {@code normalize_activations = expected_average_only_in}), so that the L1 coefficient
 * means the same at every hook point. {@link #folded} folds {@code s} into the weights, as SAELens does on saving.
 * The arrays are float32 leaves owned by the SAE's manager; the trainer updates them in place.
 */
public final class Sae implements AutoCloseable {
    private final SaeOptions.Variant variant;
    private final int k;
    private final double scale;
    private final NDManager manager;
    private final NDArray wEnc;
    private final NDArray bEnc;
    private final NDArray wDec;
    private final NDArray bDec;

    Sae(
            SaeOptions.Variant variant,
            int k,
            double scale,
            NDManager manager,
            NDArray wEnc,
            NDArray bEnc,
            NDArray wDec,
            NDArray bDec) {
        this.variant = variant;
        this.k = k;
        this.scale = scale;
        this.manager = manager;
        this.wEnc = wEnc;
        this.bEnc = bEnc;
        this.wDec = wDec;
        this.bDec = bDec;
    }

    /**
     * A fresh SAE: decoder rows drawn uniformly on the unit sphere, the encoder their transpose and its bias 0
     * (Gao et al. 2024, section 2.3), the pre-bias {@code b_dec} given (the geometric median of the scaled data).
     */
    static Sae init(
            NDManager parent,
            SaeOptions.Variant variant,
            int k,
            int dIn,
            int dSae,
            double scale,
            float[] bDec,
            long seed) {
        java.util.Random r = new java.util.Random(seed);
        float[] dec = new float[dSae * dIn];
        for (int i = 0; i < dSae; i++) {
            double norm = 0;
            for (int j = 0; j < dIn; j++) {
                double g = r.nextGaussian();
                dec[i * dIn + j] = (float) g;
                norm += g * g;
            }
            for (int j = 0; j < dIn; j++) {
                dec[i * dIn + j] /= (float) Math.sqrt(norm);
            }
        }
        float[] enc = new float[dIn * dSae];
        for (int i = 0; i < dSae; i++) {
            for (int j = 0; j < dIn; j++) {
                enc[j * dSae + i] = dec[i * dIn + j];
            }
        }
        NDManager m = parent.newSubManager();
        return new Sae(
                variant,
                k,
                scale,
                m,
                leaf(m, enc, new Shape(dIn, dSae)),
                leaf(m, new float[dSae], new Shape(dSae)),
                leaf(m, dec, new Shape(dSae, dIn)),
                leaf(m, bDec, new Shape(dIn)));
    }

    private static NDArray leaf(NDManager m, float[] v, Shape shape) {
        NDArray a = Ops.owned(Ops.floats(m, v, shape));
        a.setRequiresGradient(true);
        return a;
    }

    public SaeOptions.Variant variant() {
        return variant;
    }

    /** The latents TopK keeps (meaningless for ReLU). */
    public int k() {
        return k;
    }

    /** The input scaling {@code s}. */
    public double scale() {
        return scale;
    }

    public int dIn() {
        return (int) wEnc.getShape().get(0);
    }

    public int dSae() {
        return (int) wEnc.getShape().get(1);
    }

    /** {@code W_enc, b_enc, W_dec, b_dec}, the trained leaves, in that order. */
    List<NDArray> params() {
        return List.of(wEnc, bEnc, wDec, bDec);
    }

    NDArray wEnc() {
        return wEnc;
    }

    NDArray bEnc() {
        return bEnc;
    }

    NDArray wDec() {
        return wDec;
    }

    NDArray bDec() {
        return bDec;
    }

    NDManager manager() {
        return manager;
    }

    /** The pre-activations {@code (x_s - b_dec) W_enc + b_enc} of already scaled rows {@code [n, d_in]}. */
    NDArray preScaled(NDArray xs) {
        return Ops.matmul(xs.sub(bDec), wEnc).add(bEnc);
    }

    /** The activation function on pre-activations {@code [n, d_sae]}: ReLU, or TopK then ReLU. */
    NDArray activate(NDArray pre) {
        NDArray relu = Ops.relu(pre);
        if (variant == SaeOptions.Variant.RELU) {
            return relu;
        }
        return relu.mul(topMask(pre, k));
    }

    /**
     * A float32 mask of the {@code k} largest entries of each row (1 there, 0 elsewhere); not differentiable. Ties
     * at the k-th value all pass (with float32 pre-activations of real data they do not occur).
     */
    static NDArray topMask(NDArray pre, int k) {
        NDArray kth = pre.topK(k, -1, true, true).get(0).get(new NDIndex(":, " + (k - 1) + ":" + k)); // [n, 1]
        return pre.gte(kth).toType(DataType.FLOAT32, false);
    }

    /** The decoder's output {@code f W_dec + b_dec}, in scaled units. */
    NDArray decodeScaled(NDArray f) {
        return Ops.matmul(f, wDec).add(bDec);
    }

    /** The latent activations of raw activations {@code [n, d_in]}. */
    public NDArray encode(NDArray x) {
        return activate(preScaled(x.mul(scale)));
    }

    /** The reconstruction, in raw units, of latent activations {@code [n, d_sae]}. */
    public NDArray decode(NDArray f) {
        return decodeScaled(f).div(scale);
    }

    /** {@code decode(encode(x))}. */
    public NDArray reconstruct(NDArray x) {
        return decode(encode(x));
    }

    /**
     * The weights as they are saved, with the input scaling folded in ({@code W_enc s}, {@code W_dec / s}, {@code
     * b_dec / s}) so that they act on raw activations, under SAELens's names: {@code W_enc [d_in, d_sae]}, {@code
     * W_dec [d_sae, d_in]}, {@code b_enc [d_sae]}, {@code b_dec [d_in]}.
     */
    public Map<String, Tensor> folded() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        try (NDManager m = manager.newSubManager()) {
            out.put("W_enc", tensor(wEnc.mul(scale), m));
            out.put("W_dec", tensor(wDec.div(scale), m));
            out.put("b_enc", tensor(bEnc.duplicate(), m));
            out.put("b_dec", tensor(bDec.div(scale), m));
        }
        return out;
    }

    private static Tensor tensor(NDArray a, NDManager m) {
        a.attach(m);
        return Params.toTensor(a.stopGradient());
    }

    /** The decoder row of each latent, in scaled units (unit norm), {@code [d_sae][d_in]}. */
    public double[][] directions() {
        float[] v = wDec.toFloatArray();
        int dIn = dIn();
        double[][] out = new double[dSae()][dIn];
        for (int i = 0; i < out.length; i++) {
            for (int j = 0; j < dIn; j++) {
                out[i][j] = v[i * dIn + j];
            }
        }
        return out;
    }

    @Override
    public void close() {
        manager.close();
    }
}

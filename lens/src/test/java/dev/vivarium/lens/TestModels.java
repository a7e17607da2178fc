package dev.vivarium.lens;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.vivarium.core.engine.Ops;
import dev.vivarium.core.engine.TensorEngine;
import dev.vivarium.core.model.Activation;
import dev.vivarium.core.model.Transformer;
import dev.vivarium.core.model.TransformerConfig;
import java.util.SplittableRandom;

/** Small models with seeded random weights, and token batches, for tests. */
public final class TestModels {
    private TestModels() {}

    public static void engine() {
        TensorEngine.start(1);
    }

    /** Two layers, LayerNorm, biases, GELU: every hook point a transformer has. */
    public static TransformerConfig small(boolean layerNorm) {
        return new TransformerConfig(2, 16, 2, 8, 32, Activation.GELU, layerNorm, false, true, 11, 11, 6);
    }

    public static Transformer transformer(TransformerConfig cfg, NDManager m, long seed) {
        return cfg.build(m, seed);
    }

    /** {@code [batch, pos]} uniform random tokens in {@code [0, vocab)}. */
    public static NDArray tokens(NDManager m, int batch, int pos, int vocab, long seed) {
        long[] t = new long[batch * pos];
        SplittableRandom r = new SplittableRandom(seed);
        for (int i = 0; i < t.length; i++) {
            t[i] = r.nextInt(vocab);
        }
        return Ops.owned(Ops.longs(m, t, new Shape(batch, pos)));
    }
}

package dev.vivarium.lens.attribution;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import dev.vivarium.core.engine.Ops;
import dev.vivarium.core.model.Model;
import dev.vivarium.core.model.TransformerConfig;

/** A transformer's final LayerNorm and unembedding, in float64, for reading residual streams. */
final class Unembedding {
    static final double LN_EPS = 1e-5;

    private final Model model;
    private final TransformerConfig cfg;

    Unembedding(Model model) {
        this.model = model;
        this.cfg = config(model);
    }

    static TransformerConfig config(Model model) {
        if (!(model.config() instanceof TransformerConfig t)) {
            throw new IllegalArgumentException("this analysis reads a transformer's residual stream; the model is "
                    + model.config().getClass().getSimpleName());
        }
        return t;
    }

    TransformerConfig cfg() {
        return cfg;
    }

    /** A parameter as float64, detached. */
    NDArray param64(String name) {
        return model.params().get(name).stopGradient().toType(DataType.FLOAT64, true);
    }

    /** {@code ln_final} (recomputed on {@code resid} itself) then {@code W_U}, {@code b_U}: [batch, d] to [batch, vocab]. */
    NDArray logits(NDArray resid64) {
        NDArray x = resid64;
        if (cfg.layerNorm()) {
            NDArray centred = x.sub(x.mean(new int[] {-1}, true));
            NDArray scale =
                    centred.square().mean(new int[] {-1}, true).add(eps(x)).sqrt();
            x = centred.div(scale).mul(param64("ln_final.w")).add(param64("ln_final.b"));
        }
        return Ops.matmul(x, param64("unembed.W_U")).add(param64("unembed.b_U")); // [batch, vocab]
    }

    static NDArray eps(NDArray like) {
        return Ops.doubles(like.getManager(), new double[] {LN_EPS}, new ai.djl.ndarray.types.Shape());
    }

    /** The activation at one position, {@code [batch, pos, ...]} to {@code [batch, ...]}, as float64. */
    static NDArray at(NDArray act, int position) {
        return act.get(":, " + position).toType(DataType.FLOAT64, true);
    }
}

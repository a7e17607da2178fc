package dev.vivarium.core.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import dev.vivarium.core.engine.Ops;
import dev.vivarium.core.hook.HookPoints;
import java.util.ArrayList;
import java.util.List;

/**
 * A multi-layer perceptron: tokens (or, with {@code dense} input, real features) to one prediction per
 * example. Hook points: {@code hook_embed} (the input vector), {@code layers.{l}.hook_pre},
 * {@code layers.{l}.hook_post}.
 *
 * <p>Initial weights are N(0, 1/fan_in); biases start at zero.
 */
public final class Mlp implements Model {
    private final MlpConfig cfg;
    private final Params params;
    private final HookPoints hooks;

    Mlp(MlpConfig cfg, ai.djl.ndarray.NDManager manager, long seed) {
        this.cfg = cfg;
        this.params = new Params(manager, seed);
        if (cfg.input() == MlpConfig.Input.EMBED) {
            params.normal("embed.W_E", 1.0, cfg.dVocab(), cfg.dEmbed());
        }
        int fanIn = cfg.dIn();
        for (int l = 0; l < cfg.depth(); l++) {
            params.normal("layers." + l + ".W_in", 1.0 / Math.sqrt(fanIn), fanIn, cfg.width());
            params.constant("layers." + l + ".b_in", 0f, cfg.bias(), cfg.width());
            fanIn = cfg.width();
        }
        params.normal("unembed.W_U", 1.0 / Math.sqrt(fanIn), fanIn, cfg.dOut());
        params.constant("unembed.b_U", 0f, cfg.bias(), cfg.dOut());
        this.hooks = new HookPoints(hookNames(cfg));
    }

    /** Every hook point of an MLP with this config, in forward order. */
    public static List<String> hookNames(MlpConfig cfg) {
        List<String> n = new ArrayList<>(List.of("hook_embed"));
        for (int l = 0; l < cfg.depth(); l++) {
            n.add("layers." + l + ".hook_pre");
            n.add("layers." + l + ".hook_post");
        }
        return n;
    }

    @Override
    public MlpConfig config() {
        return cfg;
    }

    @Override
    public Params params() {
        return params;
    }

    @Override
    public HookPoints hooks() {
        return hooks;
    }

    /** An MLP scores one prediction per example; {@code scored} must be a single position. */
    @Override
    public NDArray logits(NDArray tokens, int[] scored) {
        if (scored.length != 1) {
            throw new IllegalArgumentException(
                    "an MLP makes one prediction per example, got " + scored.length + " scored positions");
        }
        return forwardAll(tokens);
    }

    /**
     * Logits {@code [batch, 1, dOut]} (for a regression, the predictions). {@code tokens} is {@code [batch,
     * nInputs]} int64 token ids, or for {@code dense} input {@code [batch, nInputs]} float32 features.
     */
    @Override
    public NDArray forwardAll(NDArray tokens) {
        long batch = tokens.getShape().get(0);
        NDArray x;
        if (cfg.input() == MlpConfig.Input.DENSE) {
            if (tokens.getDataType() != DataType.FLOAT32) {
                throw new IllegalArgumentException(
                        "a dense-input MLP takes float32 features, got " + tokens.getDataType());
            }
            x = tokens.reshape(batch, cfg.dIn()); // [batch, nInputs]
        } else if (cfg.input() == MlpConfig.Input.ONEHOT) {
            x = tokens.oneHot(cfg.dVocab(), DataType.FLOAT32).reshape(batch, cfg.dIn()); // [batch, nInputs*dVocab]
        } else {
            x = Ops.embedding(tokens, params.get("embed.W_E")).reshape(batch, cfg.dIn()); // [batch, nInputs*dEmbed]
        }
        x = hooks.at("hook_embed", x);
        for (int l = 0; l < cfg.depth(); l++) {
            String p = "layers." + l + ".";
            NDArray pre = Ops.matmul(x, params.get(p + "W_in"));
            if (cfg.bias()) {
                pre = pre.add(params.get(p + "b_in"));
            }
            pre = hooks.at(p + "hook_pre", pre); // [batch, width]
            x = hooks.at(p + "hook_post", cfg.act().apply(pre));
        }
        NDArray out = Ops.matmul(x, params.get("unembed.W_U"));
        if (cfg.bias()) {
            out = out.add(params.get("unembed.b_U"));
        }
        return out.expandDims(1); // [batch, 1, dOut]
    }

    @Override
    public double forwardFlops(int seqLen, int[] scored) {
        double f = 0;
        int in = cfg.dIn();
        for (int l = 0; l < cfg.depth(); l++) {
            f += 2.0 * in * cfg.width();
            in = cfg.width();
        }
        return f + 2.0 * in * cfg.dOut();
    }

    @Override
    public double plainForwardFlops(int seqLen) {
        return forwardFlops(seqLen, new int[] {0});
    }
}

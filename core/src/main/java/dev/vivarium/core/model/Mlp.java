package dev.vivarium.core.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
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
 *
 * <p>A population ({@code M > 1} seeds) holds every parameter as {@code [M, ...]} and takes inputs {@code [M,
 * batch, nInputs]}, giving {@code [M, batch, 1, dOut]}; each layer is one batched product over the members,
 * the embedding one gather from the members' tables flattened to {@code [M * dVocab, dEmbed]}.
 */
public final class Mlp implements Model {
    private final MlpConfig cfg;
    private final Params params;
    private final HookPoints hooks;
    private final int members;
    private NDArray tokenOffsets; // [M, 1, 1] int64: m * dVocab

    Mlp(MlpConfig cfg, ai.djl.ndarray.NDManager manager, long[] seeds) {
        this.cfg = cfg;
        this.params = new Params(manager, seeds);
        this.members = seeds.length;
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
        boolean pop = members > 1;
        int rank = pop ? 3 : 2;
        if (tokens.getShape().dimension() != rank || (pop && tokens.getShape().get(0) != members)) {
            throw new IllegalArgumentException("inputs of shape " + tokens.getShape() + "; this MLP takes "
                    + (pop ? "[" + members + ", batch, nInputs]" : "[batch, nInputs]"));
        }
        long batch = tokens.getShape().get(pop ? 1 : 0);
        Shape flat = pop ? new Shape(members, batch, cfg.dIn()) : new Shape(batch, cfg.dIn());
        NDArray x;
        if (cfg.input() == MlpConfig.Input.DENSE) {
            if (tokens.getDataType() != DataType.FLOAT32) {
                throw new IllegalArgumentException(
                        "a dense-input MLP takes float32 features, got " + tokens.getDataType());
            }
            x = tokens.reshape(flat); // [batch, nInputs]
        } else if (cfg.input() == MlpConfig.Input.ONEHOT) {
            x = tokens.oneHot(cfg.dVocab(), DataType.FLOAT32).reshape(flat); // [batch, nInputs*dVocab]
        } else {
            NDArray table = params.get("embed.W_E");
            NDArray rows = pop
                    ? Ops.embedding(tokens.add(offsets()), table.reshape((long) members * cfg.dVocab(), cfg.dEmbed()))
                    : Ops.embedding(tokens, table);
            x = rows.reshape(flat); // [batch, nInputs*dEmbed]
        }
        x = hooks.at("hook_embed", x);
        for (int l = 0; l < cfg.depth(); l++) {
            String p = "layers." + l + ".";
            NDArray pre = Ops.matmul(x, params.get(p + "W_in")); // [M, batch, d] @ [M, d, width] is batched
            if (cfg.bias()) {
                pre = pre.add(perMember(params.get(p + "b_in")));
            }
            pre = hooks.at(p + "hook_pre", pre); // [batch, width]
            x = hooks.at(p + "hook_post", cfg.act().apply(pre));
        }
        NDArray out = Ops.matmul(x, params.get("unembed.W_U"));
        if (cfg.bias()) {
            out = out.add(perMember(params.get("unembed.b_U")));
        }
        return out.expandDims(-2); // [batch, 1, dOut]
    }

    /** A population's bias {@code [M, e]} as {@code [M, 1, e]}, to broadcast over the batch. */
    private NDArray perMember(NDArray b) {
        return members > 1 ? b.expandDims(1) : b;
    }

    /** {@code m * dVocab} per member, {@code [M, 1, 1]} int64, model-owned. */
    private NDArray offsets() {
        if (tokenOffsets == null) {
            long[] o = new long[members];
            for (int m = 0; m < members; m++) {
                o[m] = (long) m * cfg.dVocab();
            }
            tokenOffsets = Ops.owned(Ops.longs(params.manager(), o, new Shape(members, 1, 1)));
        }
        return tokenOffsets;
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

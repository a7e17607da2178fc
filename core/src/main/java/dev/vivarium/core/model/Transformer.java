package dev.vivarium.core.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import dev.vivarium.core.engine.Ops;
import dev.vivarium.core.hook.HookPoints;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A decoder-only transformer with TransformerLens' parameter names, shapes and hook points.
 *
 * <p>When only some positions are scored (the answer token of {@code a + b =}), the last block
 * computes keys and values at every position but queries, attention output, MLP and unembedding
 * only at the scored positions; positions after the last scored one are not computed at all.
 *
 * <p>A population ({@code M > 1} seeds) computes every member in one pass: parameters {@code [M, ...]}, tokens
 * {@code [M, batch, pos]}, logits {@code [M, batch, scored, dVocabOut]}, and every hook point with the model
 * axis in front ({@code [M, batch, pos, dModel]}, a pattern {@code [M, batch, head, q, pos]}). Axes are
 * addressed from the right; each weight product is one batched matrix product over the members ({@code [M, N,
 * d] @ [M, d, e]}); each embedding is one gather from the members' tables flattened to {@code [M * dVocab,
 * d]}. With one seed there is no model axis and the computation is the single model's, operation for
 * operation.
 */
public final class Transformer implements Model {
    private static final double LN_EPS = 1e-5;

    private final TransformerConfig cfg;
    private final Params params;
    private final HookPoints hooks;
    private final NDArray attnScale; // 1/sqrt(dHead), a model-owned constant
    private final NDArray lnEps;
    private final Map<String, NDArray> masks = new HashMap<>();
    private final int members;
    private NDArray tokenOffsets; // [M, 1, 1] int64: m * dVocab, for the flattened embedding tables

    Transformer(TransformerConfig cfg, ai.djl.ndarray.NDManager manager, long[] seeds) {
        this.cfg = cfg;
        this.params = new Params(manager, seeds);
        this.members = seeds.length;
        int d = cfg.dModel();
        double std = 1.0 / Math.sqrt(d);
        params.normal("embed.W_E", std, cfg.dVocab(), d);
        params.normal("pos_embed.W_pos", std, cfg.nCtx(), d);
        for (int l = 0; l < cfg.nLayers(); l++) {
            String b = "blocks." + l + ".";
            if (cfg.layerNorm()) {
                params.constant(b + "ln1.w", 1f, true, d);
                params.constant(b + "ln1.b", 0f, true, d);
            }
            for (String w : List.of("Q", "K", "V")) {
                params.normal(b + "attn.W_" + w, std, cfg.nHeads(), d, cfg.dHead());
            }
            params.normal(b + "attn.W_O", std, cfg.nHeads(), cfg.dHead(), d);
            for (String w : List.of("Q", "K", "V")) {
                params.constant(b + "attn.b_" + w, 0f, cfg.bias(), cfg.nHeads(), cfg.dHead());
            }
            params.constant(b + "attn.b_O", 0f, cfg.bias(), d);
            if (!cfg.attnOnly()) {
                if (cfg.layerNorm()) {
                    params.constant(b + "ln2.w", 1f, true, d);
                    params.constant(b + "ln2.b", 0f, true, d);
                }
                params.normal(b + "mlp.W_in", std, d, cfg.dMlp());
                params.constant(b + "mlp.b_in", 0f, cfg.bias(), cfg.dMlp());
                params.normal(b + "mlp.W_out", std, cfg.dMlp(), d);
                params.constant(b + "mlp.b_out", 0f, cfg.bias(), d);
            }
        }
        if (cfg.layerNorm()) {
            params.constant("ln_final.w", 1f, true, d);
            params.constant("ln_final.b", 0f, true, d);
        }
        params.normal("unembed.W_U", 1.0 / Math.sqrt(cfg.dVocabOut()), d, cfg.dVocabOut());
        params.constant("unembed.b_U", 0f, cfg.bias(), cfg.dVocabOut());
        this.hooks = new HookPoints(hookNames(cfg));
        this.attnScale = Ops.scalar(params.manager(), (float) (1.0 / Math.sqrt(cfg.dHead())));
        this.lnEps = Ops.scalar(params.manager(), (float) LN_EPS);
    }

    /** Every hook point of a transformer with this config, in the order the forward pass meets them. */
    public static List<String> hookNames(TransformerConfig cfg) {
        List<String> n = new ArrayList<>(List.of("hook_embed", "hook_pos_embed"));
        for (int l = 0; l < cfg.nLayers(); l++) {
            String b = "blocks." + l + ".";
            n.add(b + "hook_resid_pre");
            if (cfg.layerNorm()) {
                n.add(b + "ln1.hook_scale");
                n.add(b + "ln1.hook_normalized");
            }
            for (String h : List.of("q", "k", "v", "attn_scores", "pattern", "z")) {
                n.add(b + "attn.hook_" + h);
            }
            n.add(b + "hook_attn_out");
            if (!cfg.attnOnly()) {
                n.add(b + "hook_resid_mid");
                if (cfg.layerNorm()) {
                    n.add(b + "ln2.hook_scale");
                    n.add(b + "ln2.hook_normalized");
                }
                n.add(b + "mlp.hook_pre");
                n.add(b + "mlp.hook_post");
                n.add(b + "hook_mlp_out");
            }
            n.add(b + "hook_resid_post");
        }
        if (cfg.layerNorm()) {
            n.add("ln_final.hook_scale");
            n.add("ln_final.hook_normalized");
        }
        return n;
    }

    @Override
    public TransformerConfig config() {
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

    @Override
    public NDArray forwardAll(NDArray tokens) {
        return forward(tokens, 0, (int) tokens.getShape().get(tokens.getShape().dimension() - 1));
    }

    @Override
    public NDArray logits(NDArray tokens, int[] scored) {
        int first = scored[0];
        boolean contiguous = true;
        for (int i = 1; i < scored.length; i++) {
            contiguous &= scored[i] == scored[i - 1] + 1;
        }
        if (!contiguous) {
            NDArray all = forwardAll(tokens);
            return all.get(new ai.djl.ndarray.index.NDIndex(
                    (pop() ? ":, " : "") + ":, {}",
                    Ops.longs(all.getManager(), toLongs(scored), new Shape(scored.length))));
        }
        return forward(tokens, first, scored[scored.length - 1] + 1);
    }

    /**
     * Runs positions {@code [0, end)}; the last block and the unembedding only at {@code [from, end)}.
     * Returns {@code [batch, end - from, dVocabOut]}.
     */
    private NDArray forward(NDArray tokens, int from, int end) {
        requireRank(tokens);
        long batch = tokens.getShape().get(pop() ? 1 : 0);
        int d = cfg.dModel();
        if (end > cfg.nCtx()) {
            throw new IllegalArgumentException("sequence of " + end + " positions exceeds nCtx " + cfg.nCtx());
        }
        long seqLen = tokens.getShape().get(pop() ? 2 : 1);
        NDArray tok = end == seqLen ? tokens : tokens.get((pop() ? ":, " : "") + ":, :" + end);
        NDArray resid;
        int firstLayer = 0;
        if (canLookUpFirstLayer()) {
            resid = firstBlockByLookup(tok, cfg.nLayers() == 1 ? from : 0, end);
            firstLayer = 1;
        } else {
            NDArray embed = hooks.at("hook_embed", embedding(tok, p("embed.W_E"))); // [batch, pos, dModel]
            NDArray pos = positions(0, end); // [pos, dModel], or [M, 1, pos, dModel]
            if (hooks.isHooked("hook_pos_embed")) {
                pos = hooks.at(
                        "hook_pos_embed", pop() ? pos.broadcast(members, batch, end, d) : pos.broadcast(batch, end, d));
            }
            resid = embed.add(pos); // [batch, pos, dModel]
        }
        for (int l = firstLayer; l < cfg.nLayers(); l++) {
            boolean last = l == cfg.nLayers() - 1;
            resid = block(l, resid, last ? from : 0, end);
        }
        NDArray x = cfg.layerNorm() ? layerNorm("ln_final", resid) : resid;
        return bias(linear(x, p("unembed.W_U")), "unembed.b_U"); // [batch, q, dVocabOut]
    }

    private boolean pop() {
        return members > 1;
    }

    private void requireRank(NDArray tokens) {
        int want = pop() ? 3 : 2;
        if (tokens.getShape().dimension() != want || (pop() && tokens.getShape().get(0) != members)) {
            throw new IllegalArgumentException("tokens of shape " + tokens.getShape() + "; this model takes "
                    + (pop() ? "[" + members + ", batch, pos]" : "[batch, pos]"));
        }
    }

    /**
     * {@code x @ W}: {@code [..., d] @ [d, e]}, or for a population {@code [M, ..., d]} with {@code W [M, d, e]}
     * as one batched product {@code [M, N, d] @ [M, d, e]} (a broadcast product would copy W per batch row).
     */
    private NDArray linear(NDArray x, NDArray w) {
        if (!pop()) {
            return Ops.matmul(x, w);
        }
        long[] s = x.getShape().getShape();
        long e = w.getShape().get(2);
        long[] out = s.clone();
        out[out.length - 1] = e;
        return Ops.matmul(x.reshape(members, -1, s[s.length - 1]), w).reshape(out);
    }

    /** Rows {@code tokens} of an embedding table {@code [dVocab, d]} (a population's {@code [M, dVocab, d]}). */
    private NDArray embedding(NDArray tokens, NDArray table) {
        if (!pop()) {
            return Ops.embedding(tokens, table);
        }
        long vocab = table.getShape().get(1);
        NDArray flat = table.reshape(members * vocab, table.getShape().get(2));
        return Ops.embedding(tokens.add(offsets(vocab)), flat);
    }

    /** {@code m * vocab} per member, {@code [M, 1, 1]} int64, model-owned. */
    private NDArray offsets(long vocab) {
        if (tokenOffsets == null || tokenOffsets.getShape().get(0) != members || vocab != cfg.dVocab()) {
            long[] o = new long[members];
            for (int m = 0; m < members; m++) {
                o[m] = m * vocab;
            }
            NDArray made = Ops.owned(Ops.longs(params.manager(), o, new Shape(members, 1, 1)));
            if (vocab != cfg.dVocab()) {
                return made;
            }
            tokenOffsets = made;
        }
        return tokenOffsets;
    }

    /** {@code W_pos[from:end]}: {@code [q, d]}, or a population's {@code [M, 1, q, d]} (broadcast over the batch). */
    private NDArray positions(int from, int end) {
        if (!pop()) {
            return p("pos_embed.W_pos").get(from + ":" + end);
        }
        return p("pos_embed.W_pos").get(":, " + from + ":" + end).expandDims(1);
    }

    /** Positions {@code [from, ...)} of an activation {@code [..., pos, d]} (the axis second from the right). */
    private NDArray fromPosition(NDArray x, int from) {
        return from == 0 ? x : x.get((pop() ? ":, " : "") + ":, " + from + ":");
    }

    /**
     * Whether block 0 may read its queries, keys and values from per-token tables: without
     * LayerNorm, {@code (W_E[t] + W_pos[p]) @ W} equals {@code (W_E @ W)[t] + (W_pos @ W)[p]}, which
     * costs {@code dVocab} instead of {@code batch * pos} matrix rows. Not when the embedding or the
     * residual stream entering block 0 is hooked, since those are then never formed.
     */
    private boolean canLookUpFirstLayer() {
        return !cfg.layerNorm()
                && !hooks.isHooked("hook_embed")
                && !hooks.isHooked("hook_pos_embed")
                && !hooks.isHooked("blocks.0.hook_resid_pre");
    }

    /** Block 0 with token-table projections; the same numbers as {@link #block} up to rounding. */
    private NDArray firstBlockByLookup(NDArray tok, int from, int end) {
        NDArray wE = p("embed.W_E");
        NDArray wPos = positions(0, end); // [pos, dModel] (a population's [M, 1, pos, dModel])
        NDArray wPosQ = positions(from, end);
        NDArray tokQ = from == 0 ? tok : tok.get((pop() ? ":, " : "") + ":, " + from + ":"); // [batch, q]
        NDArray residQ = embedding(tokQ, wE).add(wPosQ); // [batch, q, dModel]
        NDArray wQ = flat("blocks.0.attn.W_Q"); // [dModel, head*dHead]
        NDArray wKV = flat("blocks.0.attn.W_K").concat(flat("blocks.0.attn.W_V"), -1); // [dModel, 2*head*dHead]
        NDArray q = embedding(tokQ, Ops.matmul(wE, wQ)).add(product(wPosQ, wQ)); // [batch, q, head*dHead]
        NDArray kv = embedding(tok, Ops.matmul(wE, wKV)).add(product(wPos, wKV)); // [batch, pos, 2*head*dHead]
        long he = (long) cfg.nHeads() * cfg.dHead();
        NDArray k = kv.get("..., :" + he);
        NDArray v = kv.get("..., " + he + ":");
        return attendAndMlp(
                "blocks.0.",
                residQ,
                heads(q, "blocks.0.attn.b_Q"),
                heads(k, "blocks.0.attn.b_K"),
                heads(v, "blocks.0.attn.b_V"),
                from,
                end);
    }

    /** {@code W_pos @ W}: a plain product, or a population's {@code [M, 1, q, d] @ [M, 1, d, e]}. */
    private NDArray product(NDArray wPos, NDArray w) {
        return pop() ? Ops.matmul(wPos, w.expandDims(1)) : Ops.matmul(wPos, w);
    }

    /** One block; queries and everything after attention only at positions {@code [from, end)}. */
    private NDArray block(int l, NDArray resid, int from, int end) {
        String b = "blocks." + l + ".";
        resid = hooks.at(b + "hook_resid_pre", resid); // [batch, pos, dModel]
        NDArray x = cfg.layerNorm() ? layerNorm(b + "ln1", resid) : resid;
        NDArray xq = fromPosition(x, from);
        NDArray q = project(xq, b + "attn.W_Q", b + "attn.b_Q"); // [batch, q, head, dHead]
        NDArray k = project(x, b + "attn.W_K", b + "attn.b_K"); // [batch, pos, head, dHead]
        NDArray v = project(x, b + "attn.W_V", b + "attn.b_V"); // [batch, pos, head, dHead]
        NDArray residQ = fromPosition(resid, from);
        return attendAndMlp(b, residQ, q, k, v, from, end);
    }

    /** Attention from queries at {@code [from, end)} over keys {@code [0, end)}, then the MLP. */
    private NDArray attendAndMlp(String b, NDArray residQ, NDArray q, NDArray k, NDArray v, int from, int end) {
        long batch = residQ.getShape().get(pop() ? 1 : 0);
        int nq = end - from;
        int h = cfg.nHeads();
        int e = cfg.dHead();
        q = hooks.at(b + "attn.hook_q", q);
        k = hooks.at(b + "attn.hook_k", k);
        v = hooks.at(b + "attn.hook_v", v);
        NDArray scores = Ops.matmul(headsFirst(q), keysLast(k)) // [batch, head, q, pos]
                .mul(attnScale)
                .add(causalMask(from, end));
        scores = hooks.at(b + "attn.hook_attn_scores", scores);
        NDArray pattern = hooks.at(b + "attn.hook_pattern", Ops.softmax(scores)); // [batch, head, q, pos]
        NDArray z = headsFirst(Ops.matmul(pattern, headsFirst(v))); // [batch, q, head, dHead]
        z = hooks.at(b + "attn.hook_z", z);
        NDArray zFlat = pop() ? z.reshape(members, batch, nq, (long) h * e) : z.reshape(batch, nq, (long) h * e);
        NDArray wO = pop()
                ? p(b + "attn.W_O").reshape(members, (long) h * e, cfg.dModel())
                : p(b + "attn.W_O").reshape((long) h * e, cfg.dModel());
        NDArray attnOut = bias(linear(zFlat, wO), b + "attn.b_O");
        attnOut = hooks.at(b + "hook_attn_out", attnOut); // [batch, q, dModel]
        if (cfg.attnOnly()) {
            return hooks.at(b + "hook_resid_post", residQ.add(attnOut));
        }
        NDArray mid = hooks.at(b + "hook_resid_mid", residQ.add(attnOut)); // [batch, q, dModel]
        NDArray x2 = cfg.layerNorm() ? layerNorm(b + "ln2", mid) : mid;
        NDArray pre =
                hooks.at(b + "mlp.hook_pre", bias(linear(x2, p(b + "mlp.W_in")), b + "mlp.b_in")); // [batch, q, dMlp]
        NDArray post = hooks.at(b + "mlp.hook_post", cfg.act().apply(pre));
        NDArray mlpOut = hooks.at(b + "hook_mlp_out", bias(linear(post, p(b + "mlp.W_out")), b + "mlp.b_out"));
        return hooks.at(b + "hook_resid_post", mid.add(mlpOut)); // [batch, q, dModel]
    }

    /** {@code [..., pos, head, dHead]} and {@code [..., head, pos, dHead]} into each other (a view). */
    private NDArray headsFirst(NDArray x) {
        return pop() ? Ops.permute(x, 0, 1, 3, 2, 4) : Ops.permute(x, 0, 2, 1, 3);
    }

    /** {@code [..., pos, head, dHead]} to {@code [..., head, dHead, pos]} (a view). */
    private NDArray keysLast(NDArray k) {
        return pop() ? Ops.permute(k, 0, 1, 3, 4, 2) : Ops.permute(k, 0, 2, 3, 1);
    }

    /** {@code W [head, dModel, dHead]} as {@code [dModel, head*dHead]} (a population's {@code [M, dModel, ...]}). */
    private NDArray flat(String w) {
        long he = (long) cfg.nHeads() * cfg.dHead();
        return pop()
                ? Ops.permute(p(w), 0, 2, 1, 3).reshape(members, cfg.dModel(), he)
                : Ops.permute(p(w), 1, 0, 2).reshape(cfg.dModel(), he);
    }

    /** {@code [..., pos, head*dHead]} to {@code [..., pos, head, dHead]}, plus the bias. */
    private NDArray heads(NDArray y, String bias) {
        long[] s = y.getShape().getShape();
        long[] r = new long[s.length + 1];
        System.arraycopy(s, 0, r, 0, s.length - 1);
        r[s.length - 1] = cfg.nHeads();
        r[s.length] = cfg.dHead();
        return bias(y.reshape(r), bias);
    }

    /** {@code einsum("bpd,hde->bphe")} plus bias: [batch, pos, dModel] to [batch, pos, head, dHead]. */
    private NDArray project(NDArray x, String w, String bias) {
        return heads(linear(x, flat(w)), bias);
    }

    /** {@code y + b}; a population's {@code b [M, ...]} gets ones after the model axis to meet {@code y}'s rank. */
    private NDArray bias(NDArray y, String name) {
        return cfg.bias() ? y.add(perMember(p(name), y.getShape().dimension())) : y;
    }

    /** A population's {@code [M, ...]} parameter reshaped to {@code rank} axes, ones after the model axis. */
    private NDArray perMember(NDArray w, int rank) {
        if (!pop() || w.getShape().dimension() == rank) {
            return w;
        }
        long[] s = w.getShape().getShape();
        long[] r = new long[rank];
        java.util.Arrays.fill(r, 1);
        r[0] = s[0];
        System.arraycopy(s, 1, r, rank - s.length + 1, s.length - 1);
        return w.reshape(r);
    }

    /** TransformerLens LayerNorm; the fused kernel unless one of its hook points is hooked. */
    private NDArray layerNorm(String prefix, NDArray x) {
        int rank = x.getShape().dimension();
        NDArray w = perMember(p(prefix + ".w"), rank);
        NDArray bb = perMember(p(prefix + ".b"), rank);
        if (!pop() && !hooks.isHooked(prefix + ".hook_scale") && !hooks.isHooked(prefix + ".hook_normalized")) {
            return Ops.layerNorm(x, w, bb, LN_EPS);
        }
        NDArray centred = x.sub(x.mean(new int[] {-1}, true));
        NDArray scale = hooks.at(
                prefix + ".hook_scale",
                centred.square().mean(new int[] {-1}, true).add(lnEps).sqrt());
        return hooks.at(prefix + ".hook_normalized", centred.div(scale).mul(w).add(bb));
    }

    /** 0 where query position may see key position, -inf elsewhere: [q, pos]. Model-owned. */
    private NDArray causalMask(int from, int end) {
        return masks.computeIfAbsent(from + ":" + end, key -> {
            int nq = end - from;
            float[] m = new float[nq * end];
            for (int i = 0; i < nq; i++) {
                for (int j = 0; j < end; j++) {
                    m[i * end + j] = j <= from + i ? 0f : Float.NEGATIVE_INFINITY;
                }
            }
            return Ops.owned(Ops.floats(params.manager(), m, new Shape(nq, end)));
        });
    }

    private NDArray p(String name) {
        return params.get(name);
    }

    private static long[] toLongs(int[] a) {
        long[] r = new long[a.length];
        for (int i = 0; i < a.length; i++) {
            r[i] = a[i];
        }
        return r;
    }

    @Override
    public double forwardFlops(int seqLen, int[] scored) {
        int end = scored[scored.length - 1] + 1;
        boolean contiguous = end - scored[0] == scored.length;
        int from = contiguous ? scored[0] : 0;
        int nq = end - from;
        double d = cfg.dModel();
        double he = (double) cfg.nHeads() * cfg.dHead();
        double flops = 0;
        for (int l = 0; l < cfg.nLayers(); l++) {
            int q = l == cfg.nLayers() - 1 ? nq : end;
            if (l > 0 || !canLookUpFirstLayer()) {
                flops += 2 * d * he * (q + 2.0 * end); // Q at queried positions, K and V at all
            } // else read from per-token tables made once per step, not per example
            flops += 2 * 2 * he * q * end; // scores and pattern @ v
            flops += 2 * he * d * q; // W_O
            if (!cfg.attnOnly()) {
                flops += 2 * 2 * d * cfg.dMlp() * q;
            }
        }
        return flops + 2 * d * cfg.dVocabOut() * nq;
    }

    @Override
    public double plainForwardFlops(int seqLen) {
        double d = cfg.dModel();
        double he = (double) cfg.nHeads() * cfg.dHead();
        double perLayer = 2 * d * he * 3 * seqLen
                + 2 * 2 * he * seqLen * seqLen
                + 2 * he * d * seqLen
                + (cfg.attnOnly() ? 0 : 2 * 2 * d * cfg.dMlp() * seqLen);
        return cfg.nLayers() * perLayer + 2 * d * cfg.dVocabOut() * seqLen;
    }
}

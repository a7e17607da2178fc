package dev.vivarium.core.hook;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import dev.vivarium.core.EngineTest;
import dev.vivarium.core.Fixtures;
import dev.vivarium.core.Fixtures.Fixture;
import dev.vivarium.core.Steps;
import dev.vivarium.core.Steps.Step;
import dev.vivarium.core.engine.Ops;
import dev.vivarium.core.engine.StepScope;
import dev.vivarium.core.model.Model;
import dev.vivarium.core.model.TransformerConfig;
import dev.vivarium.store.safetensors.Tensor;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What hooks do: a cache of every point equals the PyTorch reference's TransformerLens cache; a
 * replacing hook changes the output exactly as a hand computation from the reference's
 * activations says, and gradients flow through it; scopes leave nothing behind.
 */
class HookBehaviourTest extends EngineTest {
    private static final double RTOL = 1e-5;

    // ---------------------------------------------------------------- caching

    @ParameterizedTest
    @ValueSource(strings = {"transformer_small", "transformer_nanda", "transformer_attnonly"})
    void cachingEveryHookGivesTheReferenceActivations(String name) {
        Fixture f = Fixtures.load(name);
        try (Model model = f.build(manager);
                ActivationCache cache = new ActivationCache(manager)) {
            float[] logits;
            try (StepScope s = new StepScope();
                    HookScope h = cache.record(model.hooks(), n -> true)) {
                logits = Fixtures.floats(model.forwardAll(f.tokens(manager)));
            }
            assertEquals(0, model.hooks().attachedCount());
            assertEquals(model.hooks().names(), List.copyOf(cache.names()), "every point cached, in forward order");
            assertTrue(
                    Fixtures.relErr(logits, Fixtures.floats(f.get("expected.logits")), 1e-30) <= RTOL,
                    "logits with every point hooked");
            int compared = 0;
            for (String n : model.hooks().names()) {
                Tensor want = f.tensors().get("expected.cache." + n);
                if (want == null) {
                    continue; // LayerNorm scales and ln2's output are not in the reference; see below
                }
                NDArray got = cache.get(n);
                assertArrayEquals(want.shape(), got.getShape().getShape(), name + " " + n + ": shape");
                assertSameWithInfinities(name + " " + n, Fixtures.floats(want), Fixtures.floats(got));
                compared++;
            }
            assertEquals(
                    f.tensors().keySet().stream()
                            .filter(k -> k.startsWith("expected.cache."))
                            .count(),
                    compared);
        }
    }

    /**
     * The MLP's hook points against a float64 hand computation from the fixture's weights: the
     * concatenated one-hot input, then {@code pre = x W_in + b_in} and {@code post = relu(pre)} per
     * layer; the unembedded last {@code post} is PyTorch's logits.
     */
    @Test
    void mlpHookPointsHoldTheLayersComputedByHand() {
        Fixture f = Fixtures.load("mlp_onehot"); // 9 examples of 6 bits, 2 layers of 20, ReLU, 2 outputs
        long[] tokens = f.get("input.tokens").toLongs();
        int batch = 9;
        double[] x = new double[batch * 12];
        for (int i = 0; i < tokens.length; i++) {
            x[(i / 6) * 12 + (i % 6) * 2 + (int) tokens[i]] = 1;
        }
        try (Model model = f.build(manager);
                ActivationCache cache = new ActivationCache(manager)) {
            try (StepScope s = new StepScope();
                    HookScope h = cache.record(model.hooks(), n -> true)) {
                model.forwardAll(f.tokens(manager));
            }
            assertClose("hook_embed", x, Fixtures.floats(cache.get("hook_embed")));
            int in = 12;
            for (int l = 0; l < 2; l++) {
                double[] pre = Nanda.affine(
                        x,
                        batch,
                        in,
                        toDoubles(f.get("layers." + l + ".W_in")),
                        20,
                        toDoubles(f.get("layers." + l + ".b_in")));
                assertClose("layers." + l + ".hook_pre", pre, Fixtures.floats(cache.get("layers." + l + ".hook_pre")));
                x = pre.clone();
                for (int i = 0; i < x.length; i++) {
                    x[i] = Math.max(x[i], 0);
                }
                assertClose("layers." + l + ".hook_post", x, Fixtures.floats(cache.get("layers." + l + ".hook_post")));
                in = 20;
            }
            double[] logits =
                    Nanda.affine(x, batch, 20, toDoubles(f.get("unembed.W_U")), 2, toDoubles(f.get("unembed.b_U")));
            assertClose(
                    "torch logits from the hand-computed layers", logits, Fixtures.floats(f.get("expected.logits")));
        }
    }

    /** Masked attention scores are -inf at exactly the key positions after the query. */
    @Test
    void maskedScoresAreMinusInfinityAboveTheDiagonal() {
        Fixture f = Fixtures.load("transformer_small");
        try (Model model = f.build(manager);
                ActivationCache cache = new ActivationCache(manager)) {
            try (StepScope s = new StepScope();
                    HookScope h = cache.record(
                            model.hooks(), n -> n.endsWith("hook_attn_scores") || n.endsWith("hook_pattern"))) {
                model.forwardAll(f.tokens(manager));
            }
            float[] scores = Fixtures.floats(cache.get("blocks.1.attn.hook_attn_scores")); // [5, 2, 6, 6]
            float[] pattern = Fixtures.floats(cache.get("blocks.1.attn.hook_pattern"));
            for (int i = 0; i < scores.length; i++) {
                int key = i % 6;
                int query = (i / 6) % 6;
                assertEquals(key > query, scores[i] == Float.NEGATIVE_INFINITY, "score " + i);
                assertEquals(key > query, pattern[i] == 0f, "pattern " + i);
            }
        }
    }

    /** {@code ln.hook_scale} is {@code sqrt(var(x) + 1e-5)} of the reference's input to the LayerNorm. */
    @Test
    void layerNormScalesAreTheStandardDeviationsOfTheReferenceInput() {
        Fixture f = Fixtures.load("transformer_small");
        try (Model model = f.build(manager);
                ActivationCache cache = new ActivationCache(manager)) {
            try (StepScope s = new StepScope();
                    HookScope h = cache.record(model.hooks(), n -> n.endsWith("hook_scale"))) {
                model.forwardAll(f.tokens(manager));
            }
            String[][] inputs = {
                {"blocks.0.ln1.hook_scale", "blocks.0.hook_resid_pre"},
                {"blocks.0.ln2.hook_scale", "blocks.0.hook_resid_mid"},
                {"blocks.1.ln1.hook_scale", "blocks.1.hook_resid_pre"},
                {"blocks.1.ln2.hook_scale", "blocks.1.hook_resid_mid"},
                {"ln_final.hook_scale", "blocks.1.hook_resid_post"},
            };
            for (String[] pair : inputs) {
                float[] x = Fixtures.floats(f.get("expected.cache." + pair[1])); // [5, 6, 16]
                float[] want = new float[x.length / 16];
                for (int r = 0; r < want.length; r++) {
                    double mean = 0;
                    for (int j = 0; j < 16; j++) {
                        mean += x[r * 16 + j] / 16.0;
                    }
                    double var = 0;
                    for (int j = 0; j < 16; j++) {
                        var += (x[r * 16 + j] - mean) * (x[r * 16 + j] - mean) / 16.0;
                    }
                    want[r] = (float) Math.sqrt(var + 1e-5);
                }
                NDArray got = cache.get(pair[0]);
                assertArrayEquals(new long[] {5, 6, 1}, got.getShape().getShape(), pair[0]);
                assertTrue(Fixtures.relErr(Fixtures.floats(got), want, 1e-30) <= RTOL, pair[0]);
            }
        }
    }

    // ---------------------------------------------------------------- replacing

    /**
     * Nanda model (1 layer, biases zero): with the MLP output zeroed, logits are {@code resid_mid @ W_U
     * + b_U}, computed here in float64 from the reference's {@code resid_mid}. The MLP's weights then
     * get exactly zero gradient.
     */
    @Test
    void zeroAblatingTheMlpLeavesResidMidTimesUnembed() {
        Fixture f = Fixtures.load("transformer_nanda");
        Nanda n = new Nanda(f);
        double[] mid = toDoubles(f.get("expected.cache.blocks.0.hook_resid_mid"));
        double[] want = n.unembed(mid); // [7, 3, 17]
        try (Model model = f.build(manager);
                HookScope h = model.hooks().add("blocks.0.hook_mlp_out", (name, a) -> a.zerosLike())) {
            Step all = Steps.run(
                    model, f.tokens(manager), f.targets(manager), t -> Steps.select(model.forwardAll(t), f.scored()));
            float[] allLogits;
            try (StepScope s = new StepScope()) {
                allLogits = Fixtures.floats(model.forwardAll(f.tokens(manager)));
            }
            assertClose("forwardAll, MLP ablated", want, allLogits);
            Step scored = Steps.scored(model, f.tokens(manager), f.targets(manager), f.scored());
            assertClose("logits at scored, MLP ablated", n.atPosition(want, 2), scored.logits());
            assertClose("forwardAll at scored, MLP ablated", n.atPosition(want, 2), all.logits());
            for (String p : List.of("blocks.0.mlp.W_in", "blocks.0.mlp.W_out")) {
                assertEquals(0.0, Fixtures.maxAbs(scored.grads().get(p)), p);
            }
            assertTrue(Fixtures.maxAbs(scored.grads().get("embed.W_E")) > 1e-3);
        }
    }

    /**
     * Scaling every attention pattern by {@code c} scales {@code z} by {@code c} (attention is linear in
     * the pattern); the rest of the block, computed here in float64 from the reference's {@code z} and
     * {@code resid_pre}, gives the logits.
     */
    @Test
    void scalingThePatternGivesTheHandComputedLogits() {
        Fixture f = Fixtures.load("transformer_nanda");
        Nanda n = new Nanda(f);
        double c = 0.3;
        double[] z = toDoubles(f.get("expected.cache.blocks.0.attn.hook_z"));
        double[] resid = toDoubles(f.get("expected.cache.blocks.0.hook_resid_pre"));
        for (int i = 0; i < z.length; i++) {
            z[i] *= c;
        }
        double[] mid = add(resid, n.attnOut(z));
        double[] want = n.unembed(add(mid, n.mlp(mid)));
        try (Model model = f.build(manager);
                ActivationCache cache = new ActivationCache(manager)) {
            NDArray scale = Ops.scalar(manager, (float) c);
            try (StepScope s = new StepScope();
                    HookScope h = model.hooks().add("blocks.0.attn.hook_pattern", (name, a) -> a.mul(scale));
                    HookScope r = cache.record(model.hooks(), name -> name.equals("blocks.0.attn.hook_z"))) {
                assertClose("forwardAll, pattern scaled", want, Fixtures.floats(model.forwardAll(f.tokens(manager))));
                assertClose(
                        "logits at scored, pattern scaled",
                        n.atPosition(want, 2),
                        Fixtures.floats(model.logits(f.tokens(manager), f.scored())));
            }
            assertClose(
                    "z, pattern scaled", n.atPosition(z, 2, 32), Fixtures.floats(cache.get("blocks.0.attn.hook_z")));
        }
    }

    /**
     * A gradient through a replacing hook, by hand. With the MLP output zeroed and the attention output
     * scaled by {@code c}, {@code logits = (resid_pre + c (z W_O + b_O)) W_U + b_U}, so
     * {@code dL/dW_O[h, e, :] = c sum_b z[b, 2, h, e] g_b} with {@code g_b = (softmax(logits_b) -
     * onehot(target_b)) W_U^T / batch}, everything from the reference's activations in float64.
     */
    @Test
    void gradientsFlowThroughAReplacingHook() {
        Fixture f = Fixtures.load("transformer_nanda");
        Nanda n = new Nanda(f);
        double c = 0.5;
        double[] z = toDoubles(f.get("expected.cache.blocks.0.attn.hook_z")); // [7, 3, 4, 8]
        double[] resid = toDoubles(f.get("expected.cache.blocks.0.hook_resid_pre"));
        double[] attn = n.attnOut(z);
        for (int i = 0; i < attn.length; i++) {
            attn[i] *= c;
        }
        double[] logits = n.atPosition(n.unembed(add(resid, attn)), 2); // [7, 17]
        long[] targets = f.get("input.targets").toLongs();
        int batch = 7;
        int v = 17;
        int d = 32;
        double[] g = new double[batch * d]; // dL/d resid_post at position 2
        for (int b = 0; b < batch; b++) {
            double max = Double.NEGATIVE_INFINITY;
            for (int k = 0; k < v; k++) {
                max = Math.max(max, logits[b * v + k]);
            }
            double sum = 0;
            for (int k = 0; k < v; k++) {
                sum += Math.exp(logits[b * v + k] - max);
            }
            for (int k = 0; k < v; k++) {
                double dl = (Math.exp(logits[b * v + k] - max) / sum - (k == targets[b] ? 1 : 0)) / batch;
                for (int j = 0; j < d; j++) {
                    g[b * d + j] += dl * n.wU[j * v + k];
                }
            }
        }
        float[] want = new float[4 * 8 * d];
        for (int h = 0; h < 4; h++) {
            for (int e = 0; e < 8; e++) {
                for (int j = 0; j < d; j++) {
                    double s = 0;
                    for (int b = 0; b < batch; b++) {
                        s += z[((b * 3 + 2) * 4 + h) * 8 + e] * g[b * d + j];
                    }
                    want[(h * 8 + e) * d + j] = (float) (c * s);
                }
            }
        }
        try (Model model = f.build(manager)) {
            NDArray scale = Ops.scalar(manager, (float) c);
            Step unhooked = Steps.scored(model, f.tokens(manager), f.targets(manager), f.scored());
            Step hooked;
            try (HookScope h1 = model.hooks().add("blocks.0.hook_mlp_out", (name, a) -> a.zerosLike());
                    HookScope h2 = model.hooks().add("blocks.0.hook_attn_out", (name, a) -> a.mul(scale))) {
                hooked = Steps.scored(model, f.tokens(manager), f.targets(manager), f.scored());
            }
            float[] got = hooked.grads().get("blocks.0.attn.W_O");
            double err = Fixtures.relErr(got, want, 1e-30);
            assertTrue(err <= RTOL, "dL/dW_O through the scaling hook: relative error " + err);
            assertTrue(
                    Fixtures.relErr(unhooked.grads().get("blocks.0.attn.W_O"), want, 1e-30) > 1e-2,
                    "the hand computation does not tell the hooked model from the plain one");
            for (String p : List.of("blocks.0.attn.W_Q", "blocks.0.attn.W_V", "embed.W_E", "pos_embed.W_pos")) {
                assertTrue(Fixtures.maxAbs(hooked.grads().get(p)) > 1e-3, p + " upstream of the hook got no gradient");
            }
        }
    }

    // ---------------------------------------------------------------- helpers

    /** Same -inf entries, and the finite ones within 1e-5 relative to the largest finite reference value. */
    private static void assertSameWithInfinities(String what, float[] want, float[] got) {
        assertEquals(want.length, got.length, what);
        List<Float> w = new ArrayList<>();
        List<Float> g = new ArrayList<>();
        for (int i = 0; i < want.length; i++) {
            boolean wInf = want[i] == Float.NEGATIVE_INFINITY;
            assertEquals(wInf, got[i] == Float.NEGATIVE_INFINITY, what + ": -inf at " + i);
            if (!wInf) {
                w.add(want[i]);
                g.add(got[i]);
            }
        }
        float[] wf = new float[w.size()];
        float[] gf = new float[g.size()];
        for (int i = 0; i < wf.length; i++) {
            wf[i] = w.get(i);
            gf[i] = g.get(i);
        }
        double err = Fixtures.relErr(gf, wf, 1e-30);
        assertTrue(err <= RTOL, what + ": relative error " + err);
    }

    private static void assertClose(String what, double[] want, float[] got) {
        float[] w = new float[want.length];
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) want[i];
        }
        double err = Fixtures.relErr(got, w, 1e-30);
        assertTrue(err <= RTOL, what + ": relative error " + err);
    }

    private static double[] toDoubles(Tensor t) {
        float[] f = Fixtures.floats(t);
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) {
            d[i] = f[i];
        }
        return d;
    }

    private static double[] add(double[] a, double[] b) {
        double[] r = a.clone();
        for (int i = 0; i < r.length; i++) {
            r[i] += b[i];
        }
        return r;
    }

    /** The rest of the Nanda fixture model (batch 7, pos 3, dModel 32, 4 heads of 8, dMlp 64, 17 out) in float64. */
    private static final class Nanda {
        static final int B = 7;
        static final int N = 3;
        static final int D = 32;
        static final int H = 4;
        static final int E = 8;
        static final int M = 64;
        static final int V = 17;
        final double[] wO;
        final double[] bO;
        final double[] wIn;
        final double[] bIn;
        final double[] wOut;
        final double[] bOut;
        final double[] wU;
        final double[] bU;

        Nanda(Fixture f) {
            TransformerConfig cfg = (TransformerConfig) f.config();
            assertEquals(
                    List.of(1, D, H, E, M, V),
                    List.of(cfg.nLayers(), cfg.dModel(), cfg.nHeads(), cfg.dHead(), cfg.dMlp(), cfg.dVocabOut()));
            wO = toDoubles(f.get("blocks.0.attn.W_O"));
            bO = toDoubles(f.get("blocks.0.attn.b_O"));
            wIn = toDoubles(f.get("blocks.0.mlp.W_in"));
            bIn = toDoubles(f.get("blocks.0.mlp.b_in"));
            wOut = toDoubles(f.get("blocks.0.mlp.W_out"));
            bOut = toDoubles(f.get("blocks.0.mlp.b_out"));
            wU = toDoubles(f.get("unembed.W_U"));
            bU = toDoubles(f.get("unembed.b_U"));
        }

        /** z [B, N, H, E] to attention output [B, N, D]. */
        double[] attnOut(double[] z) {
            return affine(z, B * N, H * E, wO, D, bO);
        }

        /** MLP output [B, N, D] of a residual stream [B, N, D] (ReLU). */
        double[] mlp(double[] resid) {
            double[] pre = affine(resid, B * N, D, wIn, M, bIn);
            for (int i = 0; i < pre.length; i++) {
                pre[i] = Math.max(pre[i], 0);
            }
            return affine(pre, B * N, M, wOut, D, bOut);
        }

        /** Logits [B, N, V] of a final residual stream [B, N, D]. */
        double[] unembed(double[] resid) {
            return affine(resid, B * N, D, wU, V, bU);
        }

        /** {@code x[:, p]} of a [B, N, V] array. */
        double[] atPosition(double[] x, int p) {
            return atPosition(x, p, V);
        }

        double[] atPosition(double[] x, int p, int width) {
            double[] r = new double[B * width];
            for (int b = 0; b < B; b++) {
                System.arraycopy(x, (b * N + p) * width, r, b * width, width);
            }
            return r;
        }

        static double[] affine(double[] x, int rows, int in, double[] w, int out, double[] bias) {
            double[] y = new double[rows * out];
            for (int r = 0; r < rows; r++) {
                for (int o = 0; o < out; o++) {
                    double s = bias[o];
                    for (int i = 0; i < in; i++) {
                        s += x[r * in + i] * w[i * out + o];
                    }
                    y[r * out + o] = s;
                }
            }
            return y;
        }
    }
}

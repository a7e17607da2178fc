package dev.vivarium.core.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import dev.vivarium.core.EngineTest;
import dev.vivarium.core.Fixtures;
import dev.vivarium.core.Fixtures.Fixture;
import dev.vivarium.core.Steps;
import dev.vivarium.core.Steps.Step;
import dev.vivarium.core.engine.Ops;
import dev.vivarium.core.hook.ActivationCache;
import dev.vivarium.core.hook.HookScope;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link Model#logits} computes only what the scored positions need (queries, MLP and unembedding
 * of the last block at those positions; block 0 from token tables when it has no LayerNorm). The
 * oracle is the full computation: {@link Model#forwardAll}, then the scored positions picked out.
 * Logits and every gradient must agree to 1e-5 relative error per tensor (as in {@link VsTorch};
 * {@code attn.b_K}, zero in exact arithmetic, must be below 1e-6 in both). The full computation
 * runs with an identity hook at {@code hook_embed}, which makes every position pass through the
 * embedding and block 0's projections (unhooked, {@code forwardAll} would use the token tables too).
 */
class ScoredPositionsTest extends EngineTest {
    private static final int BATCH = 4;
    private static final int SEQ = 6;

    @ParameterizedTest
    @ValueSource(strings = {"transformer_small", "transformer_nanda", "transformer_attnonly"})
    void fixturesReducedEqualsFull(String name) {
        Fixture f = Fixtures.load(name);
        try (Model model = f.build(manager)) {
            NDArray tokens = f.tokens(manager);
            NDArray targets = f.targets(manager);
            assertSameStep(
                    name, direct(model, tokens, targets, f.scored()), Steps.scored(model, tokens, targets, f.scored()));
        }
    }

    static Stream<Arguments> randomCases() {
        List<Arguments> cases = new ArrayList<>();
        int[][] scoredSets = {{5}, {3, 4, 5}, {2, 3}, {0}, {0, 1, 2, 3, 4, 5}, {1, 4}, {0, 2, 5}};
        for (String cfg : List.of("1L", "1L-ln", "2L", "2L-ln", "2L-attnonly-nobias", "1L-nobias-gelu")) {
            for (int[] s : scoredSets) {
                cases.add(Arguments.of(cfg, s));
            }
        }
        return cases.stream();
    }

    static TransformerConfig config(String name) {
        return switch (name) {
            case "1L" -> new TransformerConfig(1, 16, 2, 8, 32, Activation.RELU, false, false, true, 10, 7, SEQ);
            case "1L-ln" -> new TransformerConfig(1, 16, 2, 8, 32, Activation.GELU, true, false, true, 10, 7, SEQ);
            case "2L" -> new TransformerConfig(2, 12, 3, 4, 24, Activation.RELU, false, false, true, 9, 9, SEQ);
            case "2L-ln" -> new TransformerConfig(2, 12, 3, 4, 24, Activation.GELU, true, false, true, 9, 9, SEQ);
            case "2L-attnonly-nobias" -> new TransformerConfig(
                    2, 8, 2, 4, 0, Activation.RELU, false, true, false, 5, 5, SEQ);
            case "1L-nobias-gelu" -> new TransformerConfig(
                    1, 8, 1, 8, 16, Activation.GELU, false, false, false, 6, 6, SEQ);
            default -> throw new IllegalArgumentException(name);
        };
    }

    @ParameterizedTest(name = "{0} scored {1}")
    @MethodSource("randomCases")
    void randomModelsReducedEqualsFull(String cfgName, int[] scored) {
        TransformerConfig cfg = config(cfgName);
        long seed = cfgName.hashCode() * 31L + Arrays.hashCode(scored);
        try (Model model = cfg.build(manager, seed)) {
            Random r = new Random(seed);
            NDArray tokens = randomTokens(r, cfg.dVocab(), BATCH, SEQ);
            NDArray targets = randomTokens(r, cfg.dVocabOut(), BATCH, scored.length);
            Step full = direct(model, tokens, targets, scored);
            Step reduced = Steps.scored(model, tokens, targets, scored);
            assertArrayEquals(new long[] {BATCH, scored.length, cfg.dVocabOut()}, reduced.shape());
            assertSameStep(cfgName + " " + Arrays.toString(scored), full, reduced);
        }
    }

    /**
     * Without LayerNorm, block 0 reads queries, keys and values from per-token tables, whose float32
     * rounding differs from projecting the residual stream: so the path taken shows in the last bits.
     * A hook on the embedding, the positional embedding or block 0's input needs those activations
     * formed, so it must switch the tables off (all three then give the same bits); a hook further
     * on (block 0's queries) must not. Every variant equals the full computation to 1e-5.
     */
    @ParameterizedTest
    @ValueSource(strings = {"transformer_nanda", "transformer_attnonly"})
    void onlyAHookOnTheInputOfBlockZeroTurnsTheTableLookupOff(String name) {
        Fixture f = Fixtures.load(name);
        try (Model model = f.build(manager)) {
            NDArray tokens = f.tokens(manager);
            NDArray targets = f.targets(manager);
            int[] scored = f.scored();
            Step full = direct(model, tokens, targets, scored);
            Step tables = Steps.scored(model, tokens, targets, scored);
            assertSameStep(name + " tables", full, tables);
            Step noTables = null;
            for (String hook : List.of("hook_embed", "hook_pos_embed", "blocks.0.hook_resid_pre")) {
                Step hooked;
                try (HookScope s = model.hooks().add(hook, (n, a) -> a)) {
                    hooked = Steps.scored(model, tokens, targets, scored);
                }
                assertSameStep(name + " hooked at " + hook, full, hooked);
                assertFalse(
                        Arrays.equals(tables.logits(), hooked.logits()),
                        "hook at " + hook + ": the token tables were used");
                if (noTables == null) {
                    noTables = hooked;
                } else {
                    assertArrayEquals(
                            noTables.logits(),
                            hooked.logits(),
                            "hook at " + hook + ": not the same path as hook_embed");
                }
            }
            Step queryHooked;
            try (HookScope s = model.hooks().add("blocks.0.attn.hook_q", (n, a) -> a)) {
                queryHooked = Steps.scored(model, tokens, targets, scored);
            }
            assertArrayEquals(
                    tables.logits(), queryHooked.logits(), "a hook at blocks.0.attn.hook_q turned the tables off");
            assertEquals(0, model.hooks().attachedCount());
        }
    }

    /** With LayerNorm there are no token tables: hooked or not, the same computation. */
    @Test
    void withLayerNormTheInputHookChangesNothing() {
        Fixture f = Fixtures.load("transformer_small");
        try (Model model = f.build(manager)) {
            NDArray tokens = f.tokens(manager);
            NDArray targets = f.targets(manager);
            Step plain = Steps.scored(model, tokens, targets, f.scored());
            Step hooked;
            try (HookScope s = model.hooks().add("hook_embed", (n, a) -> a)) {
                hooked = Steps.scored(model, tokens, targets, f.scored());
            }
            assertArrayEquals(plain.logits(), hooked.logits());
            for (String n : plain.grads().keySet()) {
                assertArrayEquals(plain.grads().get(n), hooked.grads().get(n), n);
            }
        }
    }

    /** Hooks on the input of block 0 see {@code W_E[tokens]} and {@code W_pos}, even on the reduced path. */
    @Test
    void inputHooksSeeTheEmbeddingsOnTheReducedPath() {
        Fixture f = Fixtures.load("transformer_nanda");
        try (Model model = f.build(manager);
                ActivationCache cache = new ActivationCache(manager)) {
            NDArray tokens = f.tokens(manager);
            try (HookScope s = cache.record(model.hooks(), n -> n.equals("hook_embed") || n.equals("hook_pos_embed"))) {
                model.logits(tokens, f.scored());
            }
            float[] wE = Fixtures.floats(f.get("embed.W_E"));
            float[] wPos = Fixtures.floats(f.get("pos_embed.W_pos"));
            long[] tok = f.get("input.tokens").toLongs();
            int d = 32;
            int pos = 3;
            float[] embed = Fixtures.floats(cache.get("hook_embed"));
            float[] posEmbed = Fixtures.floats(cache.get("hook_pos_embed"));
            assertArrayEquals(
                    new long[] {tok.length / pos, pos, d},
                    cache.get("hook_embed").getShape().getShape());
            assertArrayEquals(
                    new long[] {tok.length / pos, pos, d},
                    cache.get("hook_pos_embed").getShape().getShape());
            for (int i = 0; i < tok.length; i++) {
                for (int j = 0; j < d; j++) {
                    assertEquals(wE[(int) tok[i] * d + j], embed[i * d + j]);
                    assertEquals(wPos[(i % pos) * d + j], posEmbed[i * d + j]);
                }
            }
        }
    }

    /**
     * On the reduced path the last block's query-side hooks see only the scored positions: what they
     * see equals the full forward's activations at those positions.
     */
    @ParameterizedTest
    @ValueSource(strings = {"transformer_small", "transformer_nanda", "transformer_attnonly"})
    void lastBlockHooksSeeTheScoredPositionsOfTheFullForward(String name) {
        Fixture f = Fixtures.load(name);
        TransformerConfig cfg = (TransformerConfig) f.config();
        String last = "blocks." + (cfg.nLayers() - 1) + ".";
        List<String> points =
                new ArrayList<>(List.of(last + "attn.hook_q", last + "attn.hook_z", last + "hook_resid_post"));
        if (!cfg.attnOnly()) {
            points.add(last + "mlp.hook_post");
        }
        int[] scored = f.scored();
        try (Model model = f.build(manager);
                ActivationCache fullCache = new ActivationCache(manager);
                ActivationCache reducedCache = new ActivationCache(manager)) {
            NDArray tokens = f.tokens(manager);
            try (HookScope s = fullCache.record(model.hooks(), points::contains)) {
                model.forwardAll(tokens);
            }
            try (HookScope s = reducedCache.record(model.hooks(), points::contains)) {
                model.logits(tokens, scored);
            }
            for (String p : points) {
                NDArray want = Steps.select(fullCache.get(p), scored);
                NDArray got = reducedCache.get(p);
                assertArrayEquals(want.getShape().getShape(), got.getShape().getShape(), p);
                double err = Fixtures.relErr(Fixtures.floats(got), Fixtures.floats(want), VsTorch.TINY);
                assertTrue(err <= VsTorch.RTOL, name + " " + p + ": relative error " + err);
            }
        }
    }

    /** The full computation: every position, every hook point reached, then the scored positions. */
    static Step direct(Model model, NDArray tokens, NDArray targets, int[] scored) {
        try (HookScope s = model.hooks().add("hook_embed", (n, a) -> a)) {
            return Steps.full(model, tokens, targets, scored);
        }
    }

    private NDArray randomTokens(Random r, int vocab, int rows, int cols) {
        long[] v = new long[rows * cols];
        for (int i = 0; i < v.length; i++) {
            v[i] = r.nextInt(vocab);
        }
        return Ops.longs(manager, v, new Shape(rows, cols));
    }

    static void assertSameStep(String what, Step full, Step reduced) {
        assertArrayEquals(full.shape(), reduced.shape(), what + ": logits shape");
        double logitErr = Fixtures.relErr(reduced.logits(), full.logits(), VsTorch.TINY);
        assertTrue(logitErr <= VsTorch.RTOL, what + ": logits relative error " + logitErr);
        assertEquals(full.loss(), reduced.loss(), 1e-5 * Math.abs(full.loss()), what + ": loss");
        assertEquals(full.grads().keySet(), reduced.grads().keySet());
        for (String n : full.grads().keySet()) {
            float[] want = full.grads().get(n);
            float[] got = reduced.grads().get(n);
            if (n.endsWith("attn.b_K")) {
                assertTrue(
                        Fixtures.maxAbs(want) <= VsTorch.ZERO_ATOL && Fixtures.maxAbs(got) <= VsTorch.ZERO_ATOL,
                        what + ": " + n + " should be zero: " + Fixtures.maxAbs(want) + ", " + Fixtures.maxAbs(got));
                continue;
            }
            double err = Fixtures.relErr(got, want, VsTorch.TINY);
            assertTrue(
                    err <= VsTorch.RTOL,
                    what + ": gradient of " + n + " relative error " + err + " (max |full grad| "
                            + Fixtures.maxAbs(want) + ")");
        }
    }
}

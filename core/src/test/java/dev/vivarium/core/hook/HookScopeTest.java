package dev.vivarium.core.hook;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import dev.vivarium.core.EngineTest;
import dev.vivarium.core.Fixtures;
import dev.vivarium.core.Fixtures.Fixture;
import dev.vivarium.core.engine.StepScope;
import dev.vivarium.core.model.Model;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Hook scopes remove exactly their hooks, even on exceptions; bad names and null results are clear errors. */
class HookScopeTest extends EngineTest {
    private static final double RTOL = 1e-5;

    @Test
    void aScopeRemovesItsHooksEvenWhenTheBodyThrows() {
        Fixture f = Fixtures.load("transformer_small");
        try (Model model = f.build(manager)) {
            HookPoints hooks = model.hooks();
            float[] clean = Fixtures.forwardAll(model, f, manager);
            assertThrows(IllegalStateException.class, () -> {
                try (HookScope s = hooks.add(n -> n.contains("attn"), (n, a) -> a.zerosLike())) {
                    assertTrue(hooks.attachedCount() > 0);
                    throw new IllegalStateException("body failed");
                }
            });
            assertEquals(0, hooks.attachedCount());
            assertTrue(hooks.hookedNames().isEmpty());

            // a hook that throws inside the forward pass
            RuntimeException e = assertThrows(RuntimeException.class, () -> {
                try (HookScope s = hooks.add("blocks.1.hook_resid_mid", (n, a) -> {
                    throw new RuntimeException("hook failed at " + n);
                })) {
                    Fixtures.forwardAll(model, f, manager);
                }
            });
            assertEquals("hook failed at blocks.1.hook_resid_mid", e.getMessage());
            assertEquals(0, hooks.attachedCount());
            assertArrayEquals(clean, Fixtures.forwardAll(model, f, manager), "a removed hook still changes the output");
        }
    }

    @Test
    void nestedScopesRemoveOnlyTheirOwnHooksAndHooksRunInTheOrderAdded() {
        HookPoints hooks = new HookPoints(List.of("a", "b"));
        List<String> calls = new ArrayList<>();
        NDArray x = manager.create(new float[] {3f});
        try (HookScope outer = hooks.add("a", (n, a) -> {
            calls.add("outer");
            return a.add(1f);
        })) {
            try (HookScope inner = hooks.add("a", (n, a) -> {
                calls.add("inner");
                return a.mul(2f);
            })) {
                assertEquals(2, hooks.attachedCount());
                assertEquals(8f, hooks.at("a", x).getFloat()); // (3 + 1) * 2, not 3 * 2 + 1
                assertEquals(List.of("outer", "inner"), calls);
            }
            assertEquals(1, hooks.attachedCount());
            assertEquals(4f, hooks.at("a", x).getFloat());
            assertEquals(3f, hooks.at("b", x).getFloat());
        }
        assertEquals(0, hooks.attachedCount());
        assertEquals(3f, hooks.at("a", x).getFloat());
    }

    @Test
    void unknownHookNamesAreRejectedWithTheListOfNames() {
        Fixture f = Fixtures.load("transformer_nanda");
        try (Model model = f.build(manager)) {
            HookPoints hooks = model.hooks();
            IllegalArgumentException e = assertThrows(
                    IllegalArgumentException.class, () -> hooks.add("blocks.0.hook_resid_mdi", (n, a) -> a));
            assertTrue(e.getMessage().contains("'blocks.0.hook_resid_mdi'"), e.getMessage());
            assertTrue(e.getMessage().contains("blocks.0.hook_resid_mid"), "names not listed: " + e.getMessage());
            assertTrue(e.getMessage().contains("hook_embed"), e.getMessage());

            // one bad name among good ones: nothing is attached
            assertThrows(
                    IllegalArgumentException.class,
                    () -> hooks.add(List.of("hook_embed", "blocks.1.hook_resid_pre"), (n, a) -> a));
            assertEquals(0, hooks.attachedCount());

            IllegalArgumentException none = assertThrows(
                    IllegalArgumentException.class, () -> hooks.add(n -> n.startsWith("ln_final"), (n, a) -> a));
            assertTrue(none.getMessage().contains("blocks.0.attn.hook_pattern"), none.getMessage());
            assertEquals(0, hooks.attachedCount());
        }
    }

    @Test
    void aHookReturningNullIsAnErrorNamingThePoint() {
        HookPoints hooks = new HookPoints(List.of("hook_embed"));
        try (HookScope s = hooks.add("hook_embed", (n, a) -> null)) {
            IllegalStateException e =
                    assertThrows(IllegalStateException.class, () -> hooks.at("hook_embed", manager.create(1f)));
            assertTrue(e.getMessage().contains("hook_embed"), e.getMessage());
        }
        assertFalse(hooks.anyHooked());
    }

    @Test
    void cachedActivationsOutliveTheStepAndUnknownNamesListWhatWasCached() {
        Fixture f = Fixtures.load("transformer_nanda");
        try (Model model = f.build(manager);
                ActivationCache cache = new ActivationCache(manager)) {
            try (StepScope s = new StepScope();
                    HookScope h = cache.record(model.hooks(), n -> n.equals("blocks.0.hook_resid_mid"))) {
                model.forwardAll(f.tokens(manager));
            }
            float[] mid = Fixtures.floats(cache.get("blocks.0.hook_resid_mid")); // after the step scope closed
            assertTrue(Fixtures.relErr(mid, Fixtures.floats(f.get("expected.cache.blocks.0.hook_resid_mid")), 1e-30)
                    <= RTOL);
            assertFalse(cache.get("blocks.0.hook_resid_mid").hasGradient());
            IllegalArgumentException e =
                    assertThrows(IllegalArgumentException.class, () -> cache.get("blocks.0.hook_z"));
            assertTrue(e.getMessage().contains("blocks.0.hook_resid_mid"), e.getMessage());
        }
    }
}

package dev.vivarium.lens.cache;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.vivarium.core.engine.StepScope;
import dev.vivarium.core.hook.HookScope;
import dev.vivarium.core.model.Transformer;
import dev.vivarium.lens.TestModels;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class CachingTest {
    @BeforeAll
    static void engine() {
        TestModels.engine();
    }

    @Test
    void cachesEveryPointAndTheSameLogitsAsAPlainPass() {
        try (NDManager m = NDManager.newBaseManager();
                Transformer model = TestModels.transformer(TestModels.small(true), m, 1)) {
            NDArray tokens = TestModels.tokens(m, 5, 6, 11, 2);
            float[] plain;
            try (StepScope s = new StepScope()) {
                plain = model.forwardAll(tokens).toFloatArray();
            }
            try (Activations cache = Caching.all(model, tokens, m)) {
                List<String> want = new ArrayList<>(model.hooks().names());
                want.add(Activations.LOGITS);
                assertEquals(want, new ArrayList<>(cache.names()));
                assertArrayEquals(plain, cache.logits().toFloatArray(), 1e-5f);
                assertArrayEquals(
                        new long[] {5, 6, 2, 8},
                        cache.get("blocks.1.attn.hook_z").getShape().getShape());
                assertArrayEquals(
                        new long[] {5, 2, 6, 6},
                        cache.get("blocks.0.attn.hook_pattern").getShape().getShape());
            }
            assertEquals(0, model.hooks().attachedCount(), "no hook outlives the caching run");
        }
    }

    @Test
    void globsSelectWithinAndAcrossSegments() {
        List<String> names = TestModels.transformer(TestModels.small(false), NDManager.newBaseManager(), 0)
                .hooks()
                .names();
        assertEquals(
                List.of("blocks.0.hook_resid_post", "blocks.1.hook_resid_post"),
                NameFilter.glob("blocks.*.hook_resid_post").select(names));
        assertEquals(
                List.of("blocks.0.attn.hook_z", "blocks.1.attn.hook_z"),
                NameFilter.glob("**hook_z").select(names));
        assertEquals(List.of("hook_embed"), NameFilter.names("hook_embed").select(names));
        assertTrue(NameFilter.glob("blocks.*.hook_z").select(names).isEmpty(), "* stays within one segment");
    }

    @Test
    void zeroMeanAndResampleAblationReplaceOnlyTheSelection() {
        try (NDManager m = NDManager.newBaseManager();
                Transformer model = TestModels.transformer(TestModels.small(true), m, 3)) {
            NDArray tokens = TestModels.tokens(m, 4, 6, 11, 4);
            NDArray reference = TestModels.tokens(m, 7, 6, 11, 5);
            String hook = "blocks.1.attn.hook_z";
            try (Activations clean = Caching.all(model, tokens, m);
                    Activations ref = Caching.all(model, reference, m)) {
                double[] before = clean.doubles(hook); // [4, 6, 2, 8]
                double[] refZ = ref.doubles(hook); // [7, 6, 2, 8]
                Selection head1AtPos3 = Selection.head(1).atPositions(3);

                double[] zeroed = afterHook(model, tokens, hook, Ablation.zero(head1AtPos3), m);
                double[] meaned = afterHook(model, tokens, hook, Ablation.mean(ref.get(hook), head1AtPos3), m);
                double[] resampled =
                        afterHook(model, tokens, hook, Ablation.resample(ref.get(hook), 9, head1AtPos3), m);
                for (int b = 0; b < 4; b++) {
                    for (int p = 0; p < 6; p++) {
                        for (int h = 0; h < 2; h++) {
                            boolean in = p == 3 && h == 1;
                            for (int e = 0; e < 8; e++) {
                                int i = ((b * 6 + p) * 2 + h) * 8 + e;
                                double mean = 0;
                                for (int r = 0; r < 7; r++) {
                                    mean += refZ[((r * 6 + p) * 2 + h) * 8 + e] / 7;
                                }
                                assertEquals(in ? 0 : before[i], zeroed[i], 1e-5);
                                assertEquals(in ? mean : before[i], meaned[i], 1e-5);
                                if (!in) {
                                    assertEquals(before[i], resampled[i], 1e-5);
                                }
                            }
                        }
                    }
                    // the resampled slice is one reference example's slice
                    boolean found = false;
                    for (int r = 0; r < 7 && !found; r++) {
                        boolean same = true;
                        for (int e = 0; e < 8; e++) {
                            same &= Math.abs(resampled[((b * 6 + 3) * 2 + 1) * 8 + e]
                                            - refZ[((r * 6 + 3) * 2 + 1) * 8 + e])
                                    < 1e-5;
                        }
                        found = same;
                    }
                    assertTrue(
                            found, "example " + b + " took its head-1 output at position 3 from a reference example");
                }
            }
        }
    }

    /** The activation at {@code hook} as the model continues with it after {@code ablation}. */
    private static double[] afterHook(
            Transformer model, NDArray tokens, String hook, dev.vivarium.core.hook.Hook ablation, NDManager m) {
        try (HookScope a = model.hooks().add(hook, ablation);
                Activations after = Caching.run(model, tokens, NameFilter.names(hook), m)) {
            return after.doubles(hook);
        }
    }
}

package dev.vivarium.lens.patch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.vivarium.core.model.Transformer;
import dev.vivarium.core.model.TransformerConfig;
import dev.vivarium.lens.TestModels;
import dev.vivarium.lens.cache.Activations;
import dev.vivarium.lens.cache.Caching;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PatchingTest {
    static final int BATCH = 6;
    static final int POS = 6;

    @ParameterizedTest(name = "layerNorm={0}")
    @ValueSource(booleans = {true, false})
    void patchingEverySiteGivesTheCleanMetricBackExactly(boolean layerNorm) {
        TestModels.engine();
        TransformerConfig cfg = TestModels.small(layerNorm);
        try (NDManager m = NDManager.newBaseManager();
                Transformer model = TestModels.transformer(cfg, m, 11)) {
            NDArray clean = TestModels.tokens(m, BATCH, POS, 11, 1);
            NDArray corrupted = TestModels.tokens(m, BATCH, POS, 11, 2);
            long[] correct = {1, 2, 3, 4, 5, 6};
            long[] wrong = {7, 8, 9, 10, 0, 1};
            ToDoubleFunction<NDArray> raw = LogitDiff.raw(POS - 1, correct, wrong);
            try (Activations cleanCache = Caching.all(model, clean, m);
                    Activations corruptCache = Caching.all(model, corrupted, m)) {
                double cleanValue = raw.applyAsDouble(cleanCache.logits());
                double corruptValue = raw.applyAsDouble(corruptCache.logits());
                assertNotEquals(cleanValue, corruptValue);
                ToDoubleFunction<NDArray> metric = LogitDiff.normalised(raw, cleanValue, corruptValue);

                List<PatchSite> resid = PatchPresets.residByLayerAndPosition(cfg, POS);
                assertEquals(cfg.nLayers() * POS, resid.size());
                assertEquals(
                        1.0,
                        Patching.together(model, cleanCache, corrupted, resid, metric),
                        0.0,
                        "all residual sites at once");
                for (int l = 0; l < cfg.nLayers(); l++) {
                    int layer = l;
                    List<PatchSite> oneLayer = resid.stream()
                            .filter(s -> s.hook().startsWith("blocks." + layer + "."))
                            .toList();
                    assertEquals(
                            1.0,
                            Patching.together(model, cleanCache, corrupted, oneLayer, metric),
                            0.0,
                            "every position of layer " + l);
                }
                assertEquals(0.0, Patching.together(model, cleanCache, corrupted, List.of(), metric), 0.0, "no site");

                Map<PatchSite, Double> each = Patching.eachSite(model, cleanCache, corrupted, resid, metric);
                assertEquals(resid.size(), each.size());
                // a position after the scored one cannot affect it (causal attention)
                for (PatchSite s : resid) {
                    if (s.selection().positions()[0] > POS - 1) {
                        assertEquals(0.0, each.get(s), 0.0);
                    }
                }
                // the last layer's residual stream at the scored position carries everything
                PatchSite last = resid.stream()
                        .filter(s -> s.hook().equals("blocks." + (cfg.nLayers() - 1) + ".hook_resid_pre")
                                && s.selection().positions()[0] == POS - 1)
                        .findFirst()
                        .orElseThrow();
                assertNotEquals(0.0, each.get(last));

                List<PatchSite> heads = PatchPresets.attentionHeads(cfg);
                assertEquals(cfg.nLayers() * cfg.nHeads(), heads.size());
                Map<PatchSite, Double> perHead = Patching.eachSite(model, cleanCache, corrupted, heads, metric);
                assertEquals(heads.size(), perHead.size());
            }
        }
    }
}

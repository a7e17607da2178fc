package dev.vivarium.lens.patch;

import ai.djl.ndarray.NDArray;
import dev.vivarium.core.engine.StepScope;
import dev.vivarium.core.hook.Hook;
import dev.vivarium.core.hook.HookScope;
import dev.vivarium.core.model.Model;
import dev.vivarium.lens.cache.Activations;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * Generic activation patching: for each site, run the corrupted tokens with that site's
 * activation taken from the clean run, and score the logits.
 *
 * <p>Every patched run passes every hook point (identity hooks where nothing is patched), as
 * {@link dev.vivarium.lens.cache.Caching#all} does: a model may take a faster path when some
 * points are not hooked (fused LayerNorm, table lookups), and the patched runs must round exactly
 * as the cached clean and corrupted runs did for "patch every site" to give the clean metric back
 * bit for bit. Take the clean and corrupted baselines from {@code Caching.all} runs.
 */
public final class Patching {
    private Patching() {}

    /** The metric of each site, patched one at a time, in the order given. */
    public static Map<PatchSite, Double> eachSite(
            Model model,
            Activations clean,
            NDArray corruptedTokens,
            List<PatchSite> sites,
            ToDoubleFunction<NDArray> metric) {
        Map<PatchSite, Double> out = new LinkedHashMap<>();
        for (PatchSite site : sites) {
            out.put(site, together(model, clean, corruptedTokens, List.of(site), metric));
        }
        return out;
    }

    /** The metric with every site in {@code sites} patched at once. */
    public static double together(
            Model model,
            Activations clean,
            NDArray corruptedTokens,
            List<PatchSite> sites,
            ToDoubleFunction<NDArray> metric) {
        Map<String, List<PatchSite>> byHook = new LinkedHashMap<>();
        for (PatchSite s : sites) {
            byHook.computeIfAbsent(s.hook(), k -> new ArrayList<>()).add(s);
        }
        List<HookScope> scopes = new ArrayList<>();
        try (StepScope step = new StepScope()) {
            scopes.add(model.hooks().add(model.hooks().names(), (name, act) -> act));
            for (Map.Entry<String, List<PatchSite>> e : byHook.entrySet()) {
                NDArray cleanAct = clean.get(e.getKey());
                List<PatchSite> here = e.getValue();
                Hook hook = (name, act) -> {
                    checkShape(name, act, cleanAct);
                    NDArray out = act;
                    for (PatchSite s : here) {
                        out = s.setter().patch(name, out, cleanAct, s.selection());
                    }
                    return out;
                };
                scopes.add(model.hooks().add(e.getKey(), hook));
            }
            NDArray logits = model.forwardAll(corruptedTokens); // [batch, pos, dVocabOut]
            return metric.applyAsDouble(logits);
        } finally {
            for (HookScope s : scopes) {
                s.close();
            }
        }
    }

    private static void checkShape(String name, NDArray act, NDArray clean) {
        if (!act.getShape().equals(clean.getShape())) {
            throw new IllegalArgumentException("cannot patch " + name + ": corrupted activation " + act.getShape()
                    + " vs clean " + clean.getShape() + " (same batch and positions needed)");
        }
    }
}

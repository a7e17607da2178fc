package dev.vivarium.lens.patch;

import dev.vivarium.core.model.TransformerConfig;
import dev.vivarium.lens.cache.Selection;
import java.util.ArrayList;
import java.util.List;

/** The usual sets of sites. */
public final class PatchPresets {
    private PatchPresets() {}

    /** The residual stream entering each layer, at each position: {@code nLayers * positions} sites. */
    public static List<PatchSite> residByLayerAndPosition(TransformerConfig cfg, int positions) {
        List<PatchSite> sites = new ArrayList<>();
        for (int l = 0; l < cfg.nLayers(); l++) {
            for (int p = 0; p < positions; p++) {
                sites.add(PatchSite.of("blocks." + l + ".hook_resid_pre", Selection.position(p)));
            }
        }
        return sites;
    }

    /** Each head's output ({@code attn.hook_z}) at every position: {@code nLayers * nHeads} sites. */
    public static List<PatchSite> attentionHeads(TransformerConfig cfg) {
        List<PatchSite> sites = new ArrayList<>();
        for (int l = 0; l < cfg.nLayers(); l++) {
            for (int h = 0; h < cfg.nHeads(); h++) {
                sites.add(PatchSite.of("blocks." + l + ".attn.hook_z", Selection.head(h)));
            }
        }
        return sites;
    }
}

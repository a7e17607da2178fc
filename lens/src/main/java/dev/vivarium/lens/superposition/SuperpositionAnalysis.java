package dev.vivarium.lens.superposition;

import dev.vivarium.core.model.SuperpositionConfig;
import dev.vivarium.core.task.SparseFeatures;
import dev.vivarium.lens.run.LensRun;
import dev.vivarium.lens.run.Output;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The {@code superposition} analysis of a toy model of superposition at one checkpoint: per feature its norm
 * {@code ||W_i||}, its superposition {@code sum_{j != i} (W^_i . W_j)^2} and its dimensionality; the number of
 * features represented ({@code ||W_i|| > 0.5}), how orthogonal the represented ones are (largest {@code |cos|}
 * between two of them) and the dimensions per feature {@code m / ||W||_F^2} — the measures of Elhage et al. 2022
 * ({@link FeatureGeometry} gives the definitions). Its picture: {@code W^T W} and the feature norms coloured by
 * superposition, as in the paper's Figures 2 and 3.
 */
public final class SuperpositionAnalysis {
    private SuperpositionAnalysis() {}

    public static Output run(LensRun run, long step) {
        if (!(run.model().config() instanceof SuperpositionConfig cfg)) {
            throw new IllegalArgumentException("superposition: the analysis reads a toy model of superposition's W"
                    + " (model kind superposition); this run's model is "
                    + dev.vivarium.core.run.Checkpoints.kind(run.model().config()));
        }
        float[] w = run.model().params().get("W").toFloatArray();
        FeatureGeometry g = FeatureGeometry.ofRowMajor(w, cfg.m(), cfg.n());
        double threshold = FeatureGeometry.REPRESENTED;
        Map<String, Object> out = new LinkedHashMap<>();
        out.put(
                "definitions",
                "Elhage et al. 2022: norm ||W_i|| (column i of W, m x n); superposition sum_{j != i} (W^_i . W_j)^2"
                        + " with W^_i = W_i / ||W_i||; polysemanticity its square root (the reference notebook's"
                        + " bar colour); dimensionality ||W_i||^2 / sum_j (W^_i . W_j)^2;"
                        + " dimensions_per_feature m / ||W||_F^2; represented: ||W_i|| > " + threshold
                        + "; max_abs_cosine: the largest |cos(W_i, W_j)| between two represented features");
        out.put("m", cfg.m());
        out.put("n", cfg.n());
        if (run.recipe().task() instanceof SparseFeatures t) {
            out.put("sparsity", t.sparsity());
            out.put("importance", t.importance());
        }
        out.put("threshold", threshold);
        int represented = g.representedCount(threshold);
        out.put("represented", represented);
        out.put("max_abs_cosine", g.maxAbsCosine(threshold));
        out.put("dimensions_per_feature", g.dimensionsPerFeature());
        double[] norms = g.norms();
        double[] sup = g.superposition();
        double[] poly = g.polysemanticity();
        double[] dim = g.dimensionality();
        List<Map<String, Object>> rows = new ArrayList<>();
        for (int i = 0; i < cfg.n(); i++) {
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("feature", i);
            r.put("norm", norms[i]);
            r.put("superposition", sup[i]);
            r.put("polysemanticity", poly[i]);
            r.put("dimensionality", dim[i]);
            r.put("represented", norms[i] > threshold);
            rows.add(r);
        }
        out.put("features", rows);
        out.put("W", toRows(w, cfg.m(), cfg.n()));
        out.put("b_final", run.model().params().get("b_final").toFloatArray());
        String label = run.recipe().task() instanceof SparseFeatures t
                ? String.format(Locale.ROOT, "S = %s", t.sparsity())
                : "";
        String summary = String.format(
                Locale.ROOT,
                "%d of %d features represented (||W_i|| > %s) in m = %d dimensions; max |cos| between represented"
                        + " %.3f; m/||W||_F^2 = %.3f%s",
                represented,
                cfg.n(),
                threshold,
                cfg.m(),
                g.maxAbsCosine(threshold),
                g.dimensionsPerFeature(),
                label.isEmpty() ? "" : " (" + label + ")");
        String title = run.dir().id() + " step " + step + (label.isEmpty() ? "" : ", " + label);
        return new Output(out, summary, Optional.of(SuperpositionFigure.panel(title, g)));
    }

    private static List<float[]> toRows(float[] w, int m, int n) {
        List<float[]> rows = new ArrayList<>();
        for (int k = 0; k < m; k++) {
            rows.add(java.util.Arrays.copyOfRange(w, k * n, (k + 1) * n));
        }
        return rows;
    }
}

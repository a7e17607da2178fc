package dev.vivarium.lens.run;

import dev.vivarium.core.engine.StepScope;
import dev.vivarium.core.model.TransformerConfig;
import dev.vivarium.core.task.Examples;
import dev.vivarium.lens.attribution.AttentionPatterns;
import dev.vivarium.lens.attribution.DirectLogitAttribution;
import dev.vivarium.lens.attribution.LogitLens;
import dev.vivarium.lens.cache.Activations;
import dev.vivarium.lens.cache.Caching;
import dev.vivarium.lens.numeric.Tensors;
import dev.vivarium.lens.similarity.Cka;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.IntStream;

/**
 * The analyses that read a cache of held-out examples at their first scored position: attention patterns,
 * the logit lens, direct logit attribution and CKA, each with its picture.
 */
final class CachedAnalyses {
    /** Held-out examples read by the analyses that cache activations. */
    static final int MAX_EXAMPLES = 2048;

    enum Kind {
        ATTENTION,
        LOGIT_LENS,
        ATTRIBUTION,
        CKA
    }

    private CachedAnalyses() {}

    static Output run(Kind kind, LensRun run) throws IOException {
        if (!(run.model().config() instanceof TransformerConfig cfg)) {
            throw new IllegalArgumentException(
                    kind.name().toLowerCase(Locale.ROOT).replace('_', '-')
                            + " reads a transformer's residual stream; the run trains "
                            + run.model().config());
        }
        Examples test = run.data().test();
        int n = Math.min(test.n(), MAX_EXAMPLES);
        Examples ex = test.select(IntStream.range(0, n).toArray());
        int pos = ex.scored()[0];
        long[] targets = new long[n];
        for (int i = 0; i < n; i++) {
            targets[i] = ex.targets()[i * ex.scored().length];
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("examples", n);
        out.put("subset", "the first " + n + " test examples");
        out.put("position", pos);
        String title = run.dir().id() + " step " + run.loadedStep();
        try (StepScope s = new StepScope();
                Activations cache = Caching.all(
                        run.model(), Tensors.tokens(run.manager(), ex.tokens(), n, ex.seqLen()), run.manager())) {
            return switch (kind) {
                case ATTENTION -> attention(title, cfg, cache, out);
                case LOGIT_LENS -> logitLens(title, run, cache, pos, targets, out);
                case ATTRIBUTION -> attribution(title, run, cache, pos, targets, out);
                case CKA -> cka(title, run, cfg, ex, cache, pos, out);
            };
        }
    }

    private static Output attention(String title, TransformerConfig cfg, Activations cache, Map<String, Object> out) {
        List<Object> layers = new ArrayList<>();
        List<BufferedImage> layerRows = new ArrayList<>();
        StringBuilder summary = new StringBuilder("mean attention from the last position:");
        for (int l = 0; l < cfg.nLayers(); l++) {
            double[][][] mean = AttentionPatterns.mean(cache, l); // [head, query, key]
            layers.add(mean);
            List<BufferedImage> maps = new ArrayList<>();
            for (int h = 0; h < mean.length; h++) {
                List<String> pos = IntStream.range(0, mean[h].length)
                        .mapToObj(i -> "pos " + i)
                        .toList();
                maps.add(Pictures.heatmap(
                        (h == 0 ? title + " " : "") + "L" + l + "H" + h + " (rows: query, cols: key)",
                        pos,
                        pos,
                        mean[h],
                        0,
                        1,
                        Math.max(40, 240 / Math.max(1, pos.size()))));
                double[] last = mean[h][mean[h].length - 1];
                summary.append(String.format(Locale.ROOT, " L%dH%d %s", l, h, rounded(last)));
            }
            layerRows.add(Pictures.beside(maps));
        }
        out.put("mean_pattern_by_layer_head_query_key", layers);
        return new Output(out, summary.toString(), Optional.of(Pictures.stack(layerRows)));
    }

    private static Output logitLens(
            String title, LensRun run, Activations cache, int pos, long[] targets, Map<String, Object> out) {
        List<Map<String, Object>> rows = new ArrayList<>();
        List<String> hooks = new ArrayList<>();
        List<Double> acc = new ArrayList<>();
        for (LogitLens.Layer l : LogitLens.run(run.model(), cache, pos)) {
            rows.add(
                    Map.of("hook", l.hook(), "accuracy", l.accuracy(targets), "mean_log_prob", l.meanLogProb(targets)));
            hooks.add(l.hook());
            acc.add(l.accuracy(targets));
        }
        out.put("layers", rows);
        double[] a = acc.stream().mapToDouble(Double::doubleValue).toArray();
        boolean[] output = new boolean[a.length];
        output[a.length - 1] = true;
        BufferedImage img = Pictures.bars(
                title + ": answer accuracy read from the residual stream",
                "hook point",
                "accuracy",
                hooks,
                a,
                output,
                "the model's output",
                "earlier points");
        StringBuilder summary = new StringBuilder("logit-lens accuracy:");
        for (int i = 0; i < a.length; i++) {
            summary.append(String.format(Locale.ROOT, " %s %.3f", hooks.get(i), a[i]));
        }
        return new Output(out, summary.toString(), Optional.of(img));
    }

    private static Output attribution(
            String title, LensRun run, Activations cache, int pos, long[] targets, Map<String, Object> out) {
        Map<String, Double> mean =
                DirectLogitAttribution.toLogit(run.model(), cache, pos, targets).mean();
        out.put("mean_contribution_to_answer_logit", mean);
        List<String> names = new ArrayList<>(mean.keySet());
        double[] v = names.stream().mapToDouble(mean::get).toArray();
        boolean[] negative = new boolean[v.length];
        for (int i = 0; i < v.length; i++) {
            negative[i] = v[i] < 0;
        }
        String top = names.stream()
                .sorted((x, y) -> Double.compare(Math.abs(mean.get(y)), Math.abs(mean.get(x))))
                .limit(3)
                .map(k -> String.format(Locale.ROOT, "%s %.3g", k, mean.get(k)))
                .reduce((x, y) -> x + ", " + y)
                .orElse("");
        return new Output(
                out,
                "largest mean direct contributions to the answer's logit: " + top,
                Optional.of(Pictures.bars(
                        title + ": mean direct contribution to the answer's logit",
                        "component",
                        "logit",
                        names,
                        v,
                        negative,
                        "negative",
                        "positive")));
    }

    /**
     * CKA between the residual-stream points that vary across the examples at the answer position. A point
     * whose activation is the same for every example (blocks.0.hook_resid_pre at the last position: the same
     * token at the same position) has no centred variance, so its CKA is undefined (0/0): it is named under
     * {@code undefined}, not compared.
     */
    private static Output cka(
            String title,
            LensRun run,
            TransformerConfig cfg,
            Examples ex,
            Activations cache,
            int pos,
            Map<String, Object> out)
            throws IOException {
        List<String> all = points(cfg);
        List<String> points = new ArrayList<>();
        List<double[][]> reps = new ArrayList<>();
        Map<String, String> undefined = new LinkedHashMap<>();
        for (double[][] r : residuals(cache, all, pos)) {
            String p = all.get(reps.size() + undefined.size());
            if (Cka.constant(r)) {
                undefined.put(
                        p,
                        "constant across the " + r.length + " examples at position " + pos
                                + " (centred activations are 0): CKA is undefined");
            } else {
                points.add(p);
                reps.add(r);
            }
        }
        out.put("points", points);
        out.put("undefined", undefined);
        double[][] linear = Cka.matrix(reps, false);
        out.put("linear", linear);
        out.put("debiased", Cka.matrix(reps, true));
        Map<String, Object> toLast = toLastCheckpoint(run, ex, points, pos, reps);
        out.putAll(toLast);
        double[] last = (double[]) toLast.get("linear_to_last_checkpoint");
        StringBuilder summary = new StringBuilder("linear CKA to the last checkpoint:");
        for (int i = 0; i < points.size(); i++) {
            summary.append(String.format(Locale.ROOT, " %s %.3f", points.get(i), last[i]));
        }
        if (!undefined.isEmpty()) {
            summary.append("; undefined (constant): ").append(String.join(", ", undefined.keySet()));
        }
        int cell = Math.max(48, 300 / Math.max(1, all.size()));
        double[][] shown = new double[all.size()][all.size()]; // undefined rows and columns hatched
        for (int i = 0; i < all.size(); i++) {
            for (int j = 0; j < all.size(); j++) {
                int a = points.indexOf(all.get(i));
                int b = points.indexOf(all.get(j));
                shown[i][j] = a < 0 || b < 0 ? Double.NaN : linear[a][b];
            }
        }
        BufferedImage img = Pictures.heatmap(
                title + ": linear CKA (hatched: constant across inputs, undefined)", all, all, shown, 0, 1, cell);
        return new Output(out, summary.toString(), Optional.of(img));
    }

    /** {@code blocks.0.hook_resid_pre}, then each block's {@code hook_resid_mid} (if it has an MLP) and {@code hook_resid_post}. */
    static List<String> points(TransformerConfig cfg) {
        List<String> names = new ArrayList<>(List.of("blocks.0.hook_resid_pre"));
        for (int l = 0; l < cfg.nLayers(); l++) {
            if (!cfg.attnOnly()) {
                names.add("blocks." + l + ".hook_resid_mid");
            }
            names.add("blocks." + l + ".hook_resid_post");
        }
        return names;
    }

    static List<double[][]> residuals(Activations cache, List<String> points, int pos) {
        List<double[][]> reps = new ArrayList<>();
        for (String p : points) {
            reps.add(Tensors.matrix(cache.get(p).get(":, " + pos + ", :"))); // [examples, dModel]
        }
        return reps;
    }

    /** Linear CKA of each point between this checkpoint and the run's last one (undefined there: NaN). */
    static Map<String, Object> toLastCheckpoint(
            LensRun run, Examples ex, List<String> points, int pos, List<double[][]> here) throws IOException {
        List<Long> steps = run.checkpoints();
        long step = run.loadedStep();
        long last = steps.get(steps.size() - 1);
        double[] linear = new double[points.size()];
        if (last == step) {
            java.util.Arrays.fill(linear, 1.0);
            return Map.of("last_checkpoint", last, "linear_to_last_checkpoint", linear);
        }
        run.load(last);
        List<double[][]> there;
        try (StepScope s = new StepScope();
                Activations cache = Caching.all(
                        run.model(), Tensors.tokens(run.manager(), ex.tokens(), ex.n(), ex.seqLen()), run.manager())) {
            there = residuals(cache, points, pos);
        } finally {
            run.load(step);
        }
        for (int i = 0; i < linear.length; i++) {
            linear[i] = Cka.constant(there.get(i)) ? Double.NaN : Cka.linear(here.get(i), there.get(i));
        }
        return Map.of("last_checkpoint", last, "linear_to_last_checkpoint", linear);
    }

    private static String rounded(double[] v) {
        StringBuilder b = new StringBuilder("[");
        for (int i = 0; i < v.length; i++) {
            b.append(i > 0 ? " " : "").append(String.format(Locale.ROOT, "%.2f", v[i]));
        }
        return b.append(']').toString();
    }
}

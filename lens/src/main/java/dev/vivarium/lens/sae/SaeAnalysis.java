package dev.vivarium.lens.sae;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.vivarium.core.engine.Ops;
import dev.vivarium.core.engine.StepScope;
import dev.vivarium.core.hook.Hook;
import dev.vivarium.core.hook.HookScope;
import dev.vivarium.core.model.MlpConfig;
import dev.vivarium.core.model.Model;
import dev.vivarium.core.model.TransformerConfig;
import dev.vivarium.core.task.Examples;
import dev.vivarium.core.task.ModularArithmetic;
import dev.vivarium.lens.cache.Activations;
import dev.vivarium.lens.cache.Caching;
import dev.vivarium.lens.cache.HookAxes;
import dev.vivarium.lens.cache.NameFilter;
import dev.vivarium.lens.fourier.KeyFrequencies;
import dev.vivarium.lens.fourier.ModularForward;
import dev.vivarium.lens.fourier.NeuronFrequencies;
import dev.vivarium.lens.numeric.Tensors;
import dev.vivarium.lens.run.LensRun;
import dev.vivarium.lens.run.Output;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.stream.IntStream;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The {@code sae} analysis of one checkpoint: caches the activations of one hook point (the last layer's MLP
 * post-activation unless {@code --sae-hook} names another) at the scored positions of the task's examples (train and
 * test, up to {@link #MAX_EXAMPLES}), trains a {@link Sae} on them, and reports L0, FVU and dead latents on those rows
 * ({@link SaeMetrics}), the loss recovered when the reconstruction replaces the activation at the scored positions
 * during a forward pass, and, on a modular-addition transformer, whether the latents align with the key Fourier
 * frequencies. The SAE is saved as SAELens saves one under {@code analyses/sae/step_<8 digits>/}.
 */
public final class SaeAnalysis {
    /** Examples cached at most (the first ones of the task, train and test alike). */
    static final int MAX_EXAMPLES = 16384;

    /** Examples per forward pass. */
    static final int CHUNK = 1024;

    private static final ThreadLocal<SaeOptions> SETTINGS = ThreadLocal.withInitial(() -> SaeOptions.DEFAULTS);

    private SaeAnalysis() {}

    /**
     * Runs {@code work} (typically {@code RunAnalyses.run}) with {@code options} in force for every {@code sae}
     * analysis it runs on this thread; outside it the defaults apply (a recipe's {@code lens:} block).
     */
    public static <T> T with(SaeOptions options, Callable<T> work) throws Exception {
        SaeOptions before = SETTINGS.get();
        SETTINGS.set(java.util.Objects.requireNonNull(options, "options"));
        try {
            return work.call();
        } finally {
            SETTINGS.set(before);
        }
    }

    /** The last layer's MLP post-activation: {@code blocks.L.mlp.hook_post} or {@code layers.L.hook_post}. */
    static String defaultHook(Model model) {
        if (model.config() instanceof TransformerConfig t) {
            return t.attnOnly()
                    ? "blocks." + (t.nLayers() - 1) + ".hook_resid_post"
                    : "blocks." + (t.nLayers() - 1) + ".mlp.hook_post";
        }
        if (model.config() instanceof MlpConfig m) {
            return "layers." + (m.depth() - 1) + ".hook_post";
        }
        throw new IllegalArgumentException(
                "sae: no default hook point for " + model.config() + "; name one with --sae-hook");
    }

    /** The layer a hook name belongs to ({@code blocks.L.} or {@code layers.L.}), else 0. */
    static int layerOf(String hook) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("^(?:blocks|layers)\\.(\\d+)\\.")
                .matcher(hook);
        return m.find() ? Integer.parseInt(m.group(1)) : 0;
    }

    /** The analysis of the loaded checkpoint {@code step}. */
    public static Output run(LensRun run, long step) throws IOException {
        SaeOptions o = SETTINGS.get();
        if (run.data().regression()) {
            throw new IllegalArgumentException("sae: loss recovered is a cross-entropy on tokens; run "
                    + run.dir().id() + " trains a regression on real features ("
                    + run.recipe().task() + ")");
        }
        Model model = run.model();
        String hook = o.hook().orElse(defaultHook(model));
        if (!model.hooks().names().contains(hook)) {
            throw new IllegalArgumentException("--sae-hook " + hook + ": no such hook point; this model has "
                    + model.hooks().names());
        }
        boolean transformer = model.config() instanceof TransformerConfig;
        Examples all = run.data().examples();
        int n = Math.min(all.n(), MAX_EXAMPLES);
        Examples ex = n == all.n() ? all : all.select(IntStream.range(0, n).toArray());
        int[] scored = ex.scored();
        int perExample = transformer ? scored.length : 1;
        NDManager manager = run.manager();
        Map<String, Object> out = new LinkedHashMap<>();
        Map<String, Object> fourier;
        String title = run.dir().id() + " step " + step + ", " + hook;
        try (StepScope s = new StepScope()) {
            NDArray x = Ops.owned(cache(model, ex, hook, transformer, manager)); // [n * perExample, d]
            int rows = (int) x.getShape().get(0);
            int dIn = (int) x.getShape().get(1);
            SaeTrainer.Result trained;
            try {
                trained = SaeTrainer.train(x, o, manager);
            } catch (RuntimeException e) {
                x.close();
                throw e;
            }
            try (Sae sae = trained.sae()) {
                SaeMetrics metrics = SaeMetrics.of(sae, x);
                Losses losses = losses(
                        model,
                        ex,
                        hook,
                        sae,
                        transformer,
                        manager,
                        run.data().split().train(),
                        run.data().split().test());
                fourier = fourier(run, sae, x, ex, perExample, metrics);
                x.close();
                out.put("hook", hook);
                out.put(
                        "subset",
                        (n == all.n() ? "all " + n : "the first " + n + " of the " + all.n())
                                + " examples of the task (train and test splits together)");
                out.put("examples", n);
                out.put(
                        "positions",
                        transformer
                                ? "the scored positions " + java.util.Arrays.toString(scored)
                                        + ": one row per example and scored position; the reconstruction replaces the"
                                        + " activation there only"
                                : "one row per example");
                out.put("rows", rows);
                out.put("d_in", dIn);
                out.put("d_sae", sae.dSae());
                out.put("options", o.json(rows));
                out.put("input_scaling", sae.scale());
                out.put(
                        "input_scaling_definition",
                        "the SAE reads s x with s = sqrt(d_in / mean ||x||^2) over the rows (SAELens's"
                                + " expected_average_only_in); the saved weights have s folded in");
                out.put("architecture", definition(o));
                out.put("l0", metrics.l0());
                out.put("l0_definition", "mean over rows of the number of latents with f_i > 0");
                out.put("fvu", metrics.fvu());
                out.put(
                        "fvu_definition",
                        "sum over rows of ||x - x_hat||^2 / sum over rows of ||x - mean(x)||^2, raw units");
                out.put("mse", metrics.mse());
                out.put("dead_fraction", metrics.deadFraction());
                out.put("dead_latents", (int) Math.round(metrics.deadFraction() * sae.dSae()));
                out.put("dead_definition", "latents with f_i = 0 on every row, over d_sae");
                out.put("loss_recovered", losses.json());
                out.put("loss_recovered_definition", SaeMetrics.LOSS_RECOVERED);
                out.put("loss", "mean float64 cross-entropy at the scored positions (training's loss)");
                out.put("fourier", fourier);
                Map<String, Object> training = new LinkedHashMap<>();
                training.put("seconds", trained.seconds());
                training.put("resampled_latents", trained.resampled());
                training.put("steps", trained.trace().steps());
                training.put("mse_scaled", trained.trace().mse());
                training.put("aux_loss", trained.trace().aux());
                training.put("batch_l0", trained.trace().l0());
                training.put("dead_in_window", trained.trace().dead());
                out.put("training", training);
                out.put("latent_firing_fraction", metrics.firing());
                Path dir = run.dir().analysesDir().resolve(String.format(Locale.ROOT, "sae/step_%08d", step));
                SaeFile.write(
                        dir,
                        sae,
                        hook,
                        layerOf(hook),
                        run.dir().id(),
                        ex.seqLen(),
                        Map.of("options", o.json(rows), "step", step, "positions", out.get("positions")));
                out.put(
                        "files",
                        Map.of(
                                "weights",
                                run.dir()
                                        .analysesDir()
                                        .relativize(dir.resolve(SaeFile.WEIGHTS))
                                        .toString(),
                                "cfg",
                                run.dir()
                                        .analysesDir()
                                        .relativize(dir.resolve(SaeFile.CFG))
                                        .toString()));
                String summary = summary(o, sae, metrics, losses, fourier);
                return new Output(out, summary, Optional.of(picture(title, trained.trace(), metrics, fourier)));
            }
        }
    }

    static String definition(SaeOptions o) {
        return o.variant() == SaeOptions.Variant.RELU
                ? "standard (Bricken et al. 2023): f = ReLU((s x - b_dec) W_enc + b_enc), x_hat = (f W_dec + b_dec) / s,"
                        + " decoder rows unit norm, loss ||s x - s x_hat||^2 + l1 * sum_i f_i ||W_dec,i||, dead latents"
                        + " resampled at 20/40/60% of the steps"
                : "topk (Gao et al. 2024): f = ReLU(TopK_k((s x - b_dec) W_enc + b_enc)), x_hat = (f W_dec + b_dec) / s,"
                        + " decoder rows unit norm, loss ||s x - s x_hat||^2 + (1/32) min(dead/(d_in/2), 1) AuxK"
                        + " with k_aux = d_in/2";
    }

    /** The activation at {@code hook} as rows {@code [n * perExample, d]} float32, example-major. */
    static NDArray cache(Model model, Examples ex, String hook, boolean transformer, NDManager manager) {
        List<NDArray> parts = new ArrayList<>();
        int[] scored = ex.scored();
        for (int from = 0; from < ex.n(); from += CHUNK) {
            int to = Math.min(ex.n(), from + CHUNK);
            Examples part = ex.select(IntStream.range(from, to).toArray());
            try (Activations c = Caching.run(
                    model,
                    Tensors.tokens(manager, part.tokens(), part.n(), part.seqLen()),
                    NameFilter.names(hook),
                    manager)) {
                NDArray a = c.get(hook);
                int rank = a.getShape().dimension();
                HookAxes axes = HookAxes.of(hook, rank);
                if (axes.head().isPresent() || axes.neuron().isEmpty()) {
                    throw new IllegalArgumentException("--sae-hook " + hook + ": its activation " + a.getShape()
                            + " has heads or no feature axis; an SAE reads [batch, pos, d] or [batch, d] points");
                }
                NDArray rows;
                if (rank == 3 && transformer) {
                    NDList at = new NDList();
                    for (int p : scored) {
                        at.add(a.get(":, " + p + ":" + (p + 1) + ", :"));
                    }
                    NDArray stacked = NDArrays.concat(at, 1); // [b, S, d]
                    rows = stacked.reshape(-1, a.getShape().get(2));
                } else {
                    rows = a.reshape(a.getShape().get(0), -1);
                }
                NDArray kept = rows.toType(DataType.FLOAT32, true);
                kept.attach(manager);
                parts.add(kept);
            }
        }
        NDArray x = parts.size() == 1 ? parts.get(0) : NDArrays.concat(new NDList(parts), 0);
        return x;
    }

    /** Per-example losses with the activation clean, reconstructed and zeroed; the split says which are which. */
    record Losses(double[] clean, double[] sae, double[] zero, int[] train, int[] test) {
        Map<String, Object> json() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("all", subset(null));
            m.put("train", subset(train));
            m.put("test", subset(test));
            return m;
        }

        Map<String, Object> subset(int[] rows) {
            double c = mean(clean, rows);
            double s = mean(sae, rows);
            double z = mean(zero, rows);
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("examples", rows == null ? clean.length : rows.length);
            m.put("clean_loss", c);
            m.put("sae_loss", s);
            m.put("zero_ablation_loss", z);
            m.put("loss_recovered", SaeMetrics.lossRecovered(c, s, z));
            return m;
        }

        double recovered(int[] rows) {
            return SaeMetrics.lossRecovered(mean(clean, rows), mean(sae, rows), mean(zero, rows));
        }

        private static double mean(double[] v, int[] rows) {
            double s = 0;
            int count = 0;
            if (rows == null) {
                for (double x : v) {
                    s += x;
                }
                return s / v.length;
            }
            for (int r : rows) {
                if (r < v.length) {
                    s += v[r];
                    count++;
                }
            }
            return count == 0 ? Double.NaN : s / count;
        }
    }

    static Losses losses(
            Model model,
            Examples ex,
            String hook,
            Sae sae,
            boolean transformer,
            NDManager manager,
            int[] train,
            int[] test) {
        int n = ex.n();
        double[] clean = new double[n];
        double[] recon = new double[n];
        double[] zero = new double[n];
        for (int from = 0; from < n; from += CHUNK) {
            int to = Math.min(n, from + CHUNK);
            Examples part = ex.select(IntStream.range(from, to).toArray());
            try (StepScope s = new StepScope()) {
                NDArray tokens = Tensors.tokens(manager, part.tokens(), part.n(), part.seqLen());
                NDArray targets = Tensors.tokens(manager, part.targets(), part.n(), part.scored().length);
                copy(perExample(model, tokens, targets, part.scored(), transformer), clean, from);
                copy(
                        withHook(
                                model,
                                hook,
                                replace(sae, part, transformer, false),
                                tokens,
                                targets,
                                part,
                                transformer),
                        recon,
                        from);
                copy(
                        withHook(
                                model, hook, replace(sae, part, transformer, true), tokens, targets, part, transformer),
                        zero,
                        from);
            }
        }
        return new Losses(clean, recon, zero, train, test);
    }

    private static double[] withHook(
            Model model, String hook, Hook h, NDArray tokens, NDArray targets, Examples part, boolean transformer) {
        try (HookScope scope = model.hooks().add(hook, h)) {
            return perExample(model, tokens, targets, part.scored(), transformer);
        }
    }

    private static void copy(double[] from, double[] to, int at) {
        System.arraycopy(from, 0, to, at, from.length);
    }

    /**
     * A hook that replaces the activation by the SAE's reconstruction (or by zeros) at the scored positions of a
     * transformer's {@code [batch, pos, d]} point, or everywhere at an {@code [batch, d]} point.
     */
    static Hook replace(Sae sae, Examples part, boolean transformer, boolean zero) {
        return (name, act) -> {
            Shape shape = act.getShape();
            NDArray flat = act.reshape(-1, shape.get(shape.dimension() - 1));
            NDArray replacement = zero ? act.zerosLike() : sae.reconstruct(flat).reshape(shape);
            if (!(transformer && shape.dimension() == 3)) {
                return replacement;
            }
            float[] mask = new float[(int) shape.get(1)];
            for (int p : part.scored()) {
                mask[p] = 1;
            }
            NDArray at = Ops.floats(act.getManager(), mask, new Shape(1, shape.get(1), 1));
            NDArray keep = Ops.floats(act.getManager(), invert(mask), new Shape(1, shape.get(1), 1));
            return act.mul(keep).add(replacement.mul(at));
        };
    }

    private static float[] invert(float[] m) {
        float[] out = new float[m.length];
        for (int i = 0; i < m.length; i++) {
            out[i] = 1 - m[i];
        }
        return out;
    }

    /** Each example's mean cross-entropy over its scored positions, from {@link Model#forwardAll}. */
    static double[] perExample(Model model, NDArray tokens, NDArray targets, int[] scored, boolean transformer) {
        NDArray logits = model.forwardAll(tokens); // [b, pos, V] (an MLP: [b, 1, V])
        if (transformer) {
            NDList at = new NDList();
            for (int p : scored) {
                at.add(logits.get(":, " + p + ":" + (p + 1) + ", :"));
            }
            logits = NDArrays.concat(at, 1); // [b, S, V]
        }
        NDArray logProbs = Ops.logSoftmax64(logits);
        NDArray picked = Ops.gather(logProbs, targets.expandDims(-1), -1).squeeze(-1); // [b, S]
        return picked.mean(new int[] {1}).neg().toDoubleArray();
    }

    /**
     * Whether the latents align with the key Fourier frequencies, on a modular-addition (or subtraction) transformer
     * whose examples are every (a, b) in order {@code a p + b} and one scored position: each live latent's activation
     * over the p x p inputs is read as a neuron is by the {@code fourier} analysis ({@link NeuronFrequencies}: the
     * share of its variance explained by its best frequency's terms), and a latent is aligned when its best frequency
     * is a key frequency of the model ({@link KeyFrequencies#DEFAULT}) and explains at least {@code minShare} of its
     * variance. The model's MLP neurons, by the same rule, are the baseline.
     */
    static Map<String, Object> fourier(
            LensRun run, Sae sae, NDArray x, Examples ex, int perExample, SaeMetrics metrics) {
        Map<String, Object> m = new LinkedHashMap<>();
        if (!(run.recipe().task() instanceof ModularArithmetic task)) {
            return notApplicable(m, "the task is not modular arithmetic");
        }
        int p = task.p();
        if (perExample != 1 || ex.n() != p * p) {
            return notApplicable(
                    m,
                    "needs one row per (a, b) for all p^2 inputs; got "
                            + x.getShape().get(0) + " rows of " + ex.n() + " examples");
        }
        for (int i = 0; i < ex.n(); i++) {
            if (ex.tokens()[i * ex.seqLen()] != i / p || ex.tokens()[i * ex.seqLen() + 1] != i % p) {
                return notApplicable(m, "the examples are not in the order a p + b");
            }
        }
        ModularForward f;
        try {
            f = ModularForward.run(run.model(), task, run.manager());
        } catch (IllegalArgumentException e) {
            return notApplicable(m, e.getMessage());
        }
        KeyFrequencies rule = KeyFrequencies.DEFAULT;
        NeuronFrequencies.Neuron[] neurons = NeuronFrequencies.of(f.neurons(), p);
        List<Integer> keys = rule.of(neurons, f.embedding()).keys();
        double[] firing = metrics.firing();
        List<Integer> alive = new ArrayList<>();
        for (int i = 0; i < firing.length; i++) {
            if (firing[i] > 0) {
                alive.add(i);
            }
        }
        double[][] acts = new double[p * p][alive.size()];
        int dSae = sae.dSae();
        for (int from = 0; from < p * p; from += SaeTrainer.CHUNK) {
            int to = Math.min(p * p, from + SaeTrainer.CHUNK);
            try (StepScope s = new StepScope()) {
                float[] v = sae.encode(x.get(from + ":" + to)).toFloatArray();
                for (int r = from; r < to; r++) {
                    for (int j = 0; j < alive.size(); j++) {
                        acts[r][j] = v[(r - from) * dSae + alive.get(j)];
                    }
                }
            }
        }
        NeuronFrequencies.Neuron[] latents =
                alive.isEmpty() ? new NeuronFrequencies.Neuron[0] : NeuronFrequencies.of(acts, p);
        int[] best = new int[dSae];
        double[] share = new double[dSae];
        java.util.Arrays.fill(best, -1);
        int frequencies = p / 2;
        int[] byFrequency = new int[frequencies + 1];
        int[] alignedBy = new int[frequencies + 1];
        int aligned = 0;
        for (int j = 0; j < latents.length; j++) {
            int i = alive.get(j);
            best[i] = latents[j].frequency();
            share[i] = latents[j].explained();
            byFrequency[best[i]]++;
            if (keys.contains(best[i]) && share[i] >= rule.minShare()) {
                aligned++;
                alignedBy[best[i]]++;
            }
        }
        int neuronsAligned = 0;
        for (NeuronFrequencies.Neuron nn : neurons) {
            neuronsAligned += keys.contains(nn.frequency()) && nn.explained() >= rule.minShare() ? 1 : 0;
        }
        Map<String, Object> alignedByKey = new LinkedHashMap<>();
        for (int k : keys) {
            alignedByKey.put(Integer.toString(k), alignedBy[k]);
        }
        m.put("applicable", true);
        m.put("key_frequencies", keys);
        m.put("key_frequency_rule", rule.definition());
        m.put(
                "alignment_rule",
                "a live latent (active on some input) is aligned when, reading its activation over the p^2 inputs as"
                        + " the fourier analysis reads a neuron, its best frequency is a key frequency and explains >= "
                        + rule.minShare() + " of its variance");
        m.put("live_latents", alive.size());
        m.put("aligned_latents", aligned);
        m.put("aligned_fraction_of_live_latents", alive.isEmpty() ? Double.NaN : aligned / (double) alive.size());
        m.put("aligned_latents_by_key_frequency", alignedByKey);
        m.put("latents_by_best_frequency", byFrequency);
        m.put("neurons", neurons.length);
        m.put("aligned_neurons", neuronsAligned);
        m.put("aligned_fraction_of_neurons", neuronsAligned / (double) neurons.length);
        m.put("latent_best_frequency", best);
        m.put("latent_variance_explained", share);
        return m;
    }

    private static Map<String, Object> notApplicable(Map<String, Object> m, String why) {
        m.put("applicable", false);
        m.put("reason", why);
        return m;
    }

    static String summary(SaeOptions o, Sae sae, SaeMetrics metrics, Losses losses, Map<String, Object> fourier) {
        String sparsity =
                o.variant() == SaeOptions.Variant.RELU ? String.format(Locale.ROOT, "l1 %.3g", o.l1()) : "k " + o.k();
        StringBuilder b = new StringBuilder(String.format(
                Locale.ROOT,
                "SAE %s (%s, %d latents): L0 %.2f, FVU %.4f, dead %d/%d, loss recovered %.4f (all), %.4f (test)",
                o.variant().cliName(),
                sparsity,
                sae.dSae(),
                metrics.l0(),
                metrics.fvu(),
                Math.round(metrics.deadFraction() * sae.dSae()),
                sae.dSae(),
                losses.recovered(null),
                losses.recovered(losses.test())));
        if (Boolean.TRUE.equals(fourier.get("applicable"))) {
            b.append(String.format(
                    Locale.ROOT,
                    "; %d/%d live latents on key frequencies %s (neurons: %d/%d)",
                    (Integer) fourier.get("aligned_latents"),
                    (Integer) fourier.get("live_latents"),
                    fourier.get("key_frequencies"),
                    (Integer) fourier.get("aligned_neurons"),
                    (Integer) fourier.get("neurons")));
        }
        return b.toString();
    }

    private static BufferedImage picture(
            String title, SaeTrainer.Trace trace, SaeMetrics metrics, Map<String, Object> fourier) {
        XYChart c = new XYChartBuilder()
                .width(1000)
                .height(380)
                .title(title + ": training reconstruction error (scaled units) and batch L0")
                .xAxisTitle("SAE step")
                .yAxisTitle("value")
                .build();
        style(c.getStyler());
        c.getStyler().setYAxisLogarithmic(true);
        List<Double> xs = new ArrayList<>();
        List<Double> mse = new ArrayList<>();
        List<Double> l0 = new ArrayList<>();
        for (int i = 0; i < trace.steps().length; i++) {
            if (trace.mse()[i] > 0 && trace.l0()[i] > 0) {
                xs.add((double) trace.steps()[i]);
                mse.add(trace.mse()[i]);
                l0.add(trace.l0()[i]);
            }
        }
        if (!xs.isEmpty()) {
            XYSeries a = c.addSeries("||s x - s x_hat||^2", xs, mse);
            a.setMarker(SeriesMarkers.NONE);
            a.setLineColor(new Color(0x1f77b4));
            XYSeries b = c.addSeries("batch L0", xs, l0);
            b.setMarker(SeriesMarkers.NONE);
            b.setLineColor(new Color(0xff7f0e));
        }
        CategoryChart bars = new CategoryChartBuilder()
                .width(1000)
                .height(380)
                .xAxisTitle("")
                .yAxisTitle("latents")
                .build();
        style(bars.getStyler());
        bars.getStyler().setOverlapped(true);
        if (Boolean.TRUE.equals(fourier.get("applicable"))) {
            int[] by = (int[]) fourier.get("latents_by_best_frequency");
            @SuppressWarnings("unchecked")
            List<Integer> keys = (List<Integer>) fourier.get("key_frequencies");
            bars.setTitle("live latents by the best frequency of their activation over (a, b); key frequencies red");
            bars.setXAxisTitle("frequency k");
            List<String> labels = new ArrayList<>();
            List<Double> on = new ArrayList<>();
            List<Double> off = new ArrayList<>();
            for (int k = 1; k < by.length; k++) {
                labels.add(Integer.toString(k));
                on.add(keys.contains(k) ? (double) by[k] : 0.0);
                off.add(keys.contains(k) ? 0.0 : (double) by[k]);
            }
            bars.getStyler().setXAxisLabelRotation(labels.size() > 30 ? 90 : 0);
            bars.addSeries("key frequency", labels, on).setFillColor(new Color(0xd62728));
            bars.addSeries("other", labels, off).setFillColor(new Color(0xaaaaaa));
        } else {
            bars.setTitle("latents by log10 of the fraction of rows they fire on (dead latents at the left)");
            bars.setXAxisTitle("log10 firing fraction");
            int bins = 14;
            double[] count = new double[bins];
            for (double fr : metrics.firing()) {
                int bin = fr <= 0 ? 0 : Math.min(bins - 1, Math.max(1, (int) Math.floor(Math.log10(fr) * 2) + bins));
                count[bin]++;
            }
            List<String> labels = new ArrayList<>();
            List<Double> v = new ArrayList<>();
            for (int i = 0; i < bins; i++) {
                labels.add(i == 0 ? "dead" : String.format(Locale.ROOT, "%.1f", (i - bins) / 2.0));
                v.add(count[i]);
            }
            bars.addSeries("latents", labels, v).setFillColor(new Color(0x1f77b4));
        }
        return dev.vivarium.lens.run.Pictures.stack(
                List.of(BitmapEncoder.getBufferedImage(c), BitmapEncoder.getBufferedImage(bars)));
    }

    private static void style(org.knowm.xchart.style.AxesChartStyler s) {
        s.setLegendPosition(Styler.LegendPosition.OutsideE);
        s.setChartBackgroundColor(Color.WHITE);
        s.setPlotBackgroundColor(Color.WHITE);
        s.setPlotGridLinesColor(new Color(0xdddddd));
    }
}

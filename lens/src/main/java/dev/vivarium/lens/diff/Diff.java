package dev.vivarium.lens.diff;

import ai.djl.ndarray.NDArray;
import dev.vivarium.core.engine.StepScope;
import dev.vivarium.core.model.TransformerConfig;
import dev.vivarium.core.task.Backdoor;
import dev.vivarium.core.task.Examples;
import dev.vivarium.core.task.ModularArithmetic;
import dev.vivarium.lens.cache.Activations;
import dev.vivarium.lens.cache.Caching;
import dev.vivarium.lens.cache.Selection;
import dev.vivarium.lens.numeric.Tensors;
import dev.vivarium.lens.patch.PatchSite;
import dev.vivarium.lens.patch.Patching;
import dev.vivarium.lens.probe.LogisticProbe;
import dev.vivarium.lens.run.FourierAnalysis;
import dev.vivarium.lens.run.LensRun;
import dev.vivarium.lens.run.Pictures;
import dev.vivarium.lens.similarity.Cka;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * The difference between two models of one architecture, A and B, on the same inputs (A's held-out examples,
 * at most {@link #MAX_EXAMPLES}):
 *
 * <ul>
 *   <li>per parameter, {@link ParameterChange}: relative change and effective rank of the change;
 *   <li>per hook point, linear CKA (Kornblith et al. 2019) between A's and B's activations, every position and
 *       feature of an example flattened into one row (undefined, null, where either is constant);
 *   <li>for modular arithmetic, both models' key frequencies and restricted / excluded loss (the
 *       {@code fourier} analysis, Nanda et al. 2023);
 *   <li>activation patching from B into A: each site (each head's {@code attn.hook_z}, each block's attention
 *       and MLP output, the residual stream entering each block at each position) is replaced by B's activation
 *       in A's run, and scored by the mean log-probability of B's answer; the fraction of the behavioural change
 *       recovered is {@code (m_patched - m_A) / (m_B - m_A)} (undefined when {@code |m_B - m_A| < 1e-6}: no
 *       behavioural change to localise);
 *   <li>probe transfer: a logistic probe at the final residual stream, trained on half the inputs in one model,
 *       tested on the other half in both (targets: the first input token, and for a backdoor task whether the
 *       input carries the trigger).
 * </ul>
 */
public final class Diff {
    /** Inputs compared. */
    public static final int MAX_EXAMPLES = 1024;

    /** The difference, and its one-page picture. */
    public record Result(Map<String, Object> json, String summary, BufferedImage picture) {}

    private Diff() {}

    /** Compares {@code a} and {@code b} with their loaded weights. */
    public static Result of(LensRun a, LensRun b) throws IOException {
        if (!a.model().config().equals(b.model().config())) {
            throw new IllegalArgumentException(
                    "runs " + a.dir().id() + " and " + b.dir().id()
                            + " have different models (" + a.model().config() + " vs "
                            + b.model().config()
                            + "); diff compares one architecture");
        }
        if (!(a.model().config() instanceof TransformerConfig cfg)) {
            throw new IllegalArgumentException("diff reads a transformer's hook points; the runs train "
                    + a.model().config());
        }
        Examples test = a.data().test();
        if (test.seqLen() != b.data().test().seqLen()) {
            throw new IllegalArgumentException("runs " + a.dir().id() + " and "
                    + b.dir().id() + " have tasks of different sequence lengths; diff runs both on the same inputs");
        }
        int n = Math.min(test.n(), MAX_EXAMPLES);
        Examples ex = test.select(IntStream.range(0, n).toArray());
        int pos = ex.scored()[0];
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("run_a", a.dir().id());
        out.put("step_a", a.loadedStep());
        out.put("run_b", b.dir().id());
        out.put("step_b", b.loadedStep());
        out.put("inputs", "the first " + n + " held-out examples of run A, answer scored at position " + pos);
        List<ParameterChange> params = parameters(a, b);
        out.put("parameters", params);
        out.put(
                "parameter_definitions",
                "relative_change ||W_B - W_A||_F / ||W_A||_F; effective_rank of W_B - W_A: exp of the entropy of"
                        + " its normalised singular values (Roy and Vetterli 2007), null for a vector or no change");
        Map<String, Double> cka = new LinkedHashMap<>();
        Map<String, Object> patching;
        Map<String, Object> behaviour = new LinkedHashMap<>();
        Map<String, Object> probes;
        try (StepScope s = new StepScope();
                Activations ca =
                        Caching.all(a.model(), Tensors.tokens(a.manager(), ex.tokens(), n, ex.seqLen()), a.manager());
                Activations cb =
                        Caching.all(b.model(), Tensors.tokens(b.manager(), ex.tokens(), n, ex.seqLen()), b.manager())) {
            for (String hook : ca.names()) {
                double[][] x = flat(ca.get(hook));
                double[][] y = flat(cb.get(hook));
                cka.put(hook, Cka.constant(x) || Cka.constant(y) ? Double.NaN : Cka.linear(x, y));
            }
            double[][] la = Tensors.matrix(ca.logits().get(":, " + pos + ", :"));
            double[][] lb = Tensors.matrix(cb.logits().get(":, " + pos + ", :"));
            int[] ansB = argmax(lb);
            int[] ansA = argmax(la);
            behaviour.put("accuracy_a", accuracy(ansA, ex));
            behaviour.put("accuracy_b", accuracy(ansB, ex));
            int agree = 0;
            for (int i = 0; i < n; i++) {
                agree += ansA[i] == ansB[i] ? 1 : 0;
            }
            behaviour.put("answer_agreement", agree / (double) n);
            patching = patching(a, cfg, ex, cb, la, lb, ansB, pos);
            String resid = "blocks." + (cfg.nLayers() - 1) + ".hook_resid_post";
            probes = probes(
                    a,
                    ex,
                    Tensors.matrix(ca.get(resid).get(":, " + pos + ", :")),
                    Tensors.matrix(cb.get(resid).get(":, " + pos + ", :")));
            probes.put("hook", resid + " at position " + pos);
        }
        out.put("behaviour", behaviour);
        out.put("cka", cka);
        out.put("cka_definition", "linear CKA, every position and feature of an example flattened; null: constant");
        out.put("patching", patching);
        out.put("probe_transfer", probes);
        if (a.recipe().task() instanceof ModularArithmetic && b.recipe().task() instanceof ModularArithmetic) {
            out.put("fourier", fourier(a, b));
        }
        double maxRel = params.stream()
                .mapToDouble(ParameterChange::relativeChange)
                .filter(Double::isFinite)
                .max()
                .orElse(Double.NaN);
        double minCka = cka.values().stream()
                .mapToDouble(Double::doubleValue)
                .filter(Double::isFinite)
                .min()
                .orElse(Double.NaN);
        String summary = String.format(
                Locale.ROOT,
                "largest relative weight change %.3g; lowest CKA %.3f; answer agreement %.3f; top patching site %s",
                maxRel,
                minCka,
                (Double) behaviour.get("answer_agreement"),
                patching.get("top_site"));
        out.put("summary", summary);
        return new Result(out, summary, picture(a, b, params, cka, patching));
    }

    private static List<ParameterChange> parameters(LensRun a, LensRun b) {
        List<ParameterChange> out = new ArrayList<>();
        for (String name : a.model().params().names()) {
            NDArray pa = a.model().params().get(name);
            NDArray pb = b.model().params().get(name);
            if (!pa.getShape().equals(pb.getShape())) {
                throw new IllegalArgumentException(
                        name + ": shape " + pa.getShape() + " in run A and " + pb.getShape() + " in run B");
            }
            out.add(ParameterChange.of(
                    name,
                    pa.getShape().getShape(),
                    Tensors.doubles(pa.stopGradient()),
                    Tensors.doubles(pb.stopGradient())));
        }
        return out;
    }

    /** One row an example: every axis after the batch flattened. */
    static double[][] flat(NDArray act) {
        long batch = act.getShape().get(0);
        double[] v = Tensors.doubles(act);
        return Tensors.reshape(v, (int) batch, (int) (v.length / batch));
    }

    private static Map<String, Object> patching(
            LensRun a,
            TransformerConfig cfg,
            Examples ex,
            Activations cb,
            double[][] la,
            double[][] lb,
            int[] ansB,
            int pos) {
        double mA = meanLogProb(la, ansB);
        double mB = meanLogProb(lb, ansB);
        List<PatchSite> sites = new ArrayList<>();
        for (int l = 0; l < cfg.nLayers(); l++) {
            String blk = "blocks." + l + ".";
            for (int p = 0; p < ex.seqLen(); p++) {
                sites.add(PatchSite.of(blk + "hook_resid_pre", Selection.position(p)));
            }
            for (int h = 0; h < cfg.nHeads(); h++) {
                sites.add(PatchSite.of(blk + "attn.hook_z", Selection.head(h)));
            }
            sites.add(PatchSite.of(blk + "hook_attn_out", Selection.ALL));
            if (!cfg.attnOnly()) {
                sites.add(PatchSite.of(blk + "hook_mlp_out", Selection.ALL));
            }
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put(
                "definition",
                "each site of A's run replaced by B's activation; metric: mean log-probability of B's answer;"
                        + " recovered = (m_patched - m_A) / (m_B - m_A), null when |m_B - m_A| < 1e-6");
        m.put("metric_a", mA);
        m.put("metric_b", mB);
        Map<String, Double> recovered = new LinkedHashMap<>();
        boolean defined = Math.abs(mB - mA) >= 1e-6;
        String top = "none (no behavioural change)";
        double best = Double.NEGATIVE_INFINITY;
        if (defined) {
            NDArray tokens = Tensors.tokens(a.manager(), ex.tokens(), ex.n(), ex.seqLen());
            Map<PatchSite, Double> scores = Patching.eachSite(
                    a.model(),
                    cb,
                    tokens,
                    sites,
                    logits -> meanLogProb(Tensors.matrix(logits.get(":, " + pos + ", :")), ansB));
            for (Map.Entry<PatchSite, Double> e : scores.entrySet()) {
                double r = (e.getValue() - mA) / (mB - mA);
                recovered.put(e.getKey().label(), r);
                if (r > best) {
                    best = r;
                    top = e.getKey().label() + String.format(Locale.ROOT, " (%.2f)", r);
                }
            }
        } else {
            for (PatchSite s : sites) {
                recovered.put(s.label(), Double.NaN);
            }
        }
        m.put("recovered", recovered);
        m.put("top_site", top);
        return m;
    }

    private static Map<String, Object> probes(LensRun a, Examples ex, double[][] ra, double[][] rb) {
        Map<String, Object> m = new LinkedHashMap<>();
        int n = ex.n();
        int[] first = new int[n];
        int classes = 0;
        for (int i = 0; i < n; i++) {
            first[i] = (int) ex.tokens()[i * ex.seqLen()];
            classes = Math.max(classes, first[i] + 1);
        }
        m.put("first_input_token", transfer(ra, rb, first, classes));
        if (a.recipe().task() instanceof Backdoor bd) {
            int[] trig = new int[n];
            for (int i = 0; i < n; i++) {
                trig[i] = ex.tokens()[i * ex.seqLen() + bd.triggerPosition()] == bd.triggerToken() ? 1 : 0;
            }
            if (IntStream.of(trig).distinct().count() == 2) {
                m.put("triggered", transfer(ra, rb, trig, 2));
            }
        }
        m.put(
                "definition",
                "logistic probe (L2 1e-3 on standardised features) trained on the even-numbered inputs of one model,"
                        + " accuracy on the odd-numbered inputs of both");
        return m;
    }

    private static Map<String, Object> transfer(double[][] ra, double[][] rb, int[] y, int classes) {
        int[] even = IntStream.range(0, y.length).filter(i -> i % 2 == 0).toArray();
        int[] odd = IntStream.range(0, y.length).filter(i -> i % 2 == 1).toArray();
        Map<String, Object> m = new LinkedHashMap<>();
        LogisticProbe onA = LogisticProbe.fit(rows(ra, even), pick(y, even), classes, 1e-3, 300);
        LogisticProbe onB = LogisticProbe.fit(rows(rb, even), pick(y, even), classes, 1e-3, 300);
        m.put("trained_on_a_accuracy_on_a", onA.accuracy(rows(ra, odd), pick(y, odd)));
        m.put("trained_on_a_accuracy_on_b", onA.accuracy(rows(rb, odd), pick(y, odd)));
        m.put("trained_on_b_accuracy_on_b", onB.accuracy(rows(rb, odd), pick(y, odd)));
        m.put("trained_on_b_accuracy_on_a", onB.accuracy(rows(ra, odd), pick(y, odd)));
        return m;
    }

    private static Map<String, Object> fourier(LensRun a, LensRun b) throws IOException {
        Map<String, Object> fa = FourierAnalysis.json(a);
        Map<String, Object> fb = FourierAnalysis.json(b);
        Map<String, Object> m = new LinkedHashMap<>();
        for (String k : List.of("key_frequencies", "restricted_loss", "excluded_loss", "test_loss")) {
            m.put(k + "_a", fa.get(k));
            m.put(k + "_b", fb.get(k));
        }
        m.put("key_frequency_rule", fa.get("key_frequency_rule"));
        m.put("restricted_loss_definition", fa.get("restricted_loss_definition"));
        m.put("excluded_loss_definition", fa.get("excluded_loss_definition"));
        return m;
    }

    private static BufferedImage picture(
            LensRun a, LensRun b, List<ParameterChange> params, Map<String, Double> cka, Map<String, Object> patching) {
        String title =
                b.dir().id() + " (step " + b.loadedStep() + ") vs " + a.dir().id() + " (step " + a.loadedStep() + ")";
        List<String> pn = params.stream().map(ParameterChange::name).toList();
        double[] rel = params.stream()
                .mapToDouble(p -> Double.isFinite(p.relativeChange()) ? p.relativeChange() : 0)
                .toArray();
        boolean[] matrix = new boolean[rel.length];
        for (int i = 0; i < rel.length; i++) {
            matrix[i] = params.get(i).fullRank() > 0;
        }
        List<String> hooks = new ArrayList<>(cka.keySet());
        double[] ck = hooks.stream()
                .mapToDouble(h -> Double.isFinite(cka.get(h)) ? cka.get(h) : 0)
                .toArray();
        boolean[] undefined = new boolean[ck.length];
        for (int i = 0; i < ck.length; i++) {
            undefined[i] = !Double.isFinite(cka.get(hooks.get(i)));
        }
        @SuppressWarnings("unchecked")
        Map<String, Double> rec = (Map<String, Double>) patching.get("recovered");
        List<String> sites = new ArrayList<>(rec.keySet());
        double[] rv = sites.stream()
                .mapToDouble(s -> Double.isFinite(rec.get(s)) ? rec.get(s) : 0)
                .toArray();
        boolean[] big = new boolean[rv.length];
        for (int i = 0; i < rv.length; i++) {
            big[i] = rv[i] >= 0.5;
        }
        return Pictures.stack(List.of(
                Pictures.bars(
                        title + ": relative weight change ||dW||/||W_A||",
                        "parameter",
                        "relative change",
                        pn,
                        rel,
                        matrix,
                        "matrix",
                        "vector"),
                Pictures.bars(
                        "linear CKA between the models' activations on the same inputs (grey: constant, undefined)",
                        "hook point",
                        "CKA",
                        hooks,
                        ck,
                        invert(undefined),
                        "defined",
                        "undefined"),
                Pictures.bars(
                        "activation patching B into A: fraction of the change in log p(B's answer) recovered"
                                + (rec.values().stream().allMatch(v -> !Double.isFinite(v))
                                        ? " (undefined: no behavioural change)"
                                        : ""),
                        "site",
                        "recovered",
                        sites,
                        rv,
                        big,
                        ">= 0.5",
                        "< 0.5")));
    }

    private static boolean[] invert(boolean[] b) {
        boolean[] o = new boolean[b.length];
        for (int i = 0; i < b.length; i++) {
            o[i] = !b[i];
        }
        return o;
    }

    static double meanLogProb(double[][] logits, int[] answers) {
        double s = 0;
        for (int i = 0; i < logits.length; i++) {
            double max = Double.NEGATIVE_INFINITY;
            for (double v : logits[i]) {
                max = Math.max(max, v);
            }
            double z = 0;
            for (double v : logits[i]) {
                z += Math.exp(v - max);
            }
            s += logits[i][answers[i]] - max - Math.log(z);
        }
        return s / logits.length;
    }

    private static int[] argmax(double[][] m) {
        int[] out = new int[m.length];
        for (int i = 0; i < m.length; i++) {
            for (int c = 1; c < m[i].length; c++) {
                if (m[i][c] > m[i][out[i]]) {
                    out[i] = c;
                }
            }
        }
        return out;
    }

    private static double accuracy(int[] answers, Examples ex) {
        int right = 0;
        for (int i = 0; i < answers.length; i++) {
            right += answers[i] == ex.targets()[i * ex.scored().length] ? 1 : 0;
        }
        return right / (double) answers.length;
    }

    private static double[][] rows(double[][] m, int[] idx) {
        double[][] o = new double[idx.length][];
        for (int i = 0; i < idx.length; i++) {
            o[i] = m[idx[i]];
        }
        return o;
    }

    private static int[] pick(int[] y, int[] idx) {
        int[] o = new int[idx.length];
        for (int i = 0; i < idx.length; i++) {
            o[i] = y[idx[i]];
        }
        return o;
    }
}

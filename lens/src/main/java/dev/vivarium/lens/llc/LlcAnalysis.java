package dev.vivarium.lens.llc;

import ai.djl.ndarray.NDArray;
import dev.vivarium.core.engine.StepScope;
import dev.vivarium.core.model.Model;
import dev.vivarium.core.task.Examples;
import dev.vivarium.core.train.Loss;
import dev.vivarium.lens.numeric.Tensors;
import dev.vivarium.lens.run.LensRun;
import dev.vivarium.lens.run.Output;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The {@code llc} analysis: {@link Llc} at every checkpoint of a run (or the one {@code --checkpoint} names), on the
 * run's own model and training split, the loss being training's (mean float64 cross-entropy at the scored
 * positions). Writes the estimates, the options they used and each chain's loss trace; the picture shows the LLC
 * over the steps with standard-error bars and the chains' traces at the last checkpoint analysed.
 */
public final class LlcAnalysis {
    private static final ThreadLocal<Settings> SETTINGS = ThreadLocal.withInitial(() -> Settings.DEFAULT);

    private LlcAnalysis() {}

    /**
     * What the command line chose.
     *
     * @param options the SGLD settings
     * @param checkpoint the one checkpoint to analyse; absent: every checkpoint
     */
    public record Settings(LlcOptions options, Optional<Long> checkpoint) {
        static final Settings DEFAULT = new Settings(LlcOptions.DEFAULTS, Optional.empty());

        public Settings {
            java.util.Objects.requireNonNull(options, "options");
            java.util.Objects.requireNonNull(checkpoint, "checkpoint");
        }
    }

    /**
     * Runs {@code work} (typically {@code RunAnalyses.run}) with {@code settings} in force for every {@code llc}
     * analysis it runs on this thread; outside it the defaults apply (a recipe's {@code lens:} block).
     */
    public static <T> T with(Settings settings, Callable<T> work) throws Exception {
        Settings before = SETTINGS.get();
        SETTINGS.set(settings);
        try {
            return work.call();
        } finally {
            SETTINGS.set(before);
        }
    }

    /** The analysis; {@code step} (the run's last checkpoint) is ignored: the settings choose the checkpoints. */
    public static Output run(LensRun run, long step) throws IOException {
        Settings settings = SETTINGS.get();
        LlcOptions o = settings.options();
        List<Long> steps = new ArrayList<>();
        if (settings.checkpoint().isPresent()) {
            run.requireCheckpoint(settings.checkpoint().get());
            steps.add(settings.checkpoint().get());
        } else {
            steps.addAll(run.checkpoints());
        }
        Examples train = run.data().train();
        List<Map<String, Object>> rows = new ArrayList<>();
        List<Llc.Result> results = new ArrayList<>();
        long d = 0;
        try (StepScope s = new StepScope()) {
            NDArray tokens = Tensors.tokens(run.manager(), train.tokens(), train.n(), train.seqLen());
            NDArray targets = Tensors.tokens(run.manager(), train.targets(), train.n(), train.scored().length);
            for (long at : steps) {
                run.load(at);
                Llc.Result r = Llc.estimate(new ModelLoss(run.model(), tokens, targets, train.scored(), train.n()), o);
                d = r.parameters();
                results.add(r);
                rows.add(row(at, r));
            }
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put(
                "definition",
                "lambda = n beta (E_w[L_n(w)] - L_n(w*)) over the localised tempered posterior"
                        + " exp(-n beta L_n(w) - gamma/2 |w - w*|^2), sampled by SGLD"
                        + " w <- w - (lr/2)(n beta grad L_m(w) + gamma (w - w*)) + sqrt(lr) N(0,1);"
                        + " E_w[L_n] is the mean minibatch loss over the draws (devinterp), L_n(w*) the whole"
                        + " training set's loss");
        out.put("loss", "mean float64 cross-entropy at the scored positions (training's loss)");
        out.put("subset", "train");
        out.put("examples", train.n());
        out.put("parameters", d);
        out.put("options", o.json(train.n()));
        out.put(
                "divergence",
                "a chain is stopped and left out when a minibatch loss is not finite or exceeds L_n(w*) + "
                        + LlcOptions.DIVERGENCE + " max(L_n(w*), d / (2 n beta))");
        out.put("checkpoints", rows);
        String summary = summary(steps, results, o, train.n());
        return new Output(out, summary, Optional.of(picture(run.dir().id(), steps, results)));
    }

    private static Map<String, Object> row(long step, Llc.Result r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("step", step);
        m.put("llc", r.llc());
        m.put("se", r.se());
        m.put("per_chain", r.perChain());
        m.put("init_loss", r.initLoss());
        List<Map<String, Object>> diverged = new ArrayList<>();
        List<Double> means = new ArrayList<>();
        List<double[]> traces = new ArrayList<>();
        for (int i = 0; i < r.chains().size(); i++) {
            Llc.Chain c = r.chains().get(i);
            means.add(c.meanLoss());
            traces.add(c.trace());
            if (c.diverged()) {
                diverged.add(Map.of("chain", i, "reason", c.reason()));
            }
        }
        m.put("diverged_chains", diverged);
        // each SGLD step is one forward and one backward pass on a minibatch; the baseline one forward of all n
        m.put("sgld_steps", traces.stream().mapToInt(t -> t.length).sum());
        m.put("baseline_forward_examples", r.n());
        m.put("mean_draw_loss_per_chain", means);
        m.put("seconds", r.seconds());
        m.put("loss_traces", traces);
        return m;
    }

    private static String summary(List<Long> steps, List<Llc.Result> results, LlcOptions o, int n) {
        StringBuilder b = new StringBuilder(String.format(
                Locale.ROOT,
                "LLC (n beta %.4g, %d chains x %d draws, lr %.3g, gamma %.3g):",
                o.nbetaFor(n),
                o.chains(),
                o.draws(),
                o.lr(),
                o.gamma()));
        int diverged = 0;
        for (int i = 0; i < steps.size(); i++) {
            Llc.Result r = results.get(i);
            b.append(String.format(Locale.ROOT, " %d: %.4g+-%.2g", steps.get(i), r.llc(), r.se()));
            diverged += r.divergedChains().size();
        }
        b.append(diverged == 0 ? "; no chain diverged" : "; " + diverged + " chain(s) diverged, left out");
        return b.toString();
    }

    private static BufferedImage picture(String id, List<Long> steps, List<Llc.Result> results) {
        XYChart c = chart(id + ": local learning coefficient (error bars: standard error over chains)", "step", "LLC");
        List<Double> xs = new ArrayList<>();
        List<Double> ys = new ArrayList<>();
        List<Double> es = new ArrayList<>();
        for (int i = 0; i < steps.size(); i++) {
            Llc.Result r = results.get(i);
            if (Double.isFinite(r.llc())) {
                xs.add((double) steps.get(i));
                ys.add(r.llc());
                es.add(Double.isFinite(r.se()) ? r.se() : 0.0);
            }
        }
        if (!xs.isEmpty()) {
            XYSeries s = c.addSeries("LLC", xs, ys, es);
            s.setMarker(SeriesMarkers.CIRCLE);
            s.setLineColor(new Color(0x1f77b4));
            s.setMarkerColor(new Color(0x1f77b4));
            s.setLineStyle(new BasicStroke(2f));
        }
        Llc.Result last = results.get(results.size() - 1);
        XYChart t = chart(
                id + " step " + steps.get(steps.size() - 1) + ": minibatch loss along each chain (burn-in included)",
                "SGLD step",
                "loss");
        Color[] colours = {
            new Color(0x1f77b4), new Color(0xd62728), new Color(0x2ca02c), new Color(0xff7f0e), new Color(0x9467bd)
        };
        for (int i = 0; i < last.chains().size(); i++) {
            double[] tr = last.chains().get(i).trace();
            List<Double> x = new ArrayList<>();
            List<Double> y = new ArrayList<>();
            for (int k = 0; k < tr.length; k++) {
                if (Double.isFinite(tr[k])) {
                    x.add((double) k);
                    y.add(tr[k]);
                }
            }
            if (!x.isEmpty()) {
                XYSeries s = t.addSeries("chain " + i + (last.chains().get(i).diverged() ? " (diverged)" : ""), x, y);
                s.setMarker(SeriesMarkers.NONE);
                s.setLineColor(colours[i % colours.length]);
                s.setLineStyle(new BasicStroke(1f));
            }
        }
        List<Double> x0 = List.of(0.0, (double) Math.max(1, last.chains().get(0).trace().length - 1));
        XYSeries base = t.addSeries("L_n(w*), whole training set", x0, List.of(last.initLoss(), last.initLoss()));
        base.setMarker(SeriesMarkers.NONE);
        base.setLineColor(Color.BLACK);
        base.setLineStyle(
                new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {6f}, 0f));
        BufferedImage top = BitmapEncoder.getBufferedImage(c);
        BufferedImage bottom = BitmapEncoder.getBufferedImage(t);
        BufferedImage out = new BufferedImage(
                Math.max(top.getWidth(), bottom.getWidth()),
                top.getHeight() + bottom.getHeight(),
                BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, out.getWidth(), out.getHeight());
        g.drawImage(top, 0, 0, null);
        g.drawImage(bottom, 0, top.getHeight(), null);
        g.dispose();
        return out;
    }

    private static XYChart chart(String title, String x, String y) {
        XYChart c = new XYChartBuilder()
                .width(1000)
                .height(420)
                .title(title)
                .xAxisTitle(x)
                .yAxisTitle(y)
                .build();
        Styler s = c.getStyler();
        s.setLegendPosition(Styler.LegendPosition.OutsideE);
        s.setChartBackgroundColor(Color.WHITE);
        c.getStyler().setPlotBackgroundColor(Color.WHITE);
        c.getStyler().setPlotGridLinesColor(new Color(0xdddddd));
        return c;
    }

    /** Training's loss of a run's model on rows of its training split. */
    static final class ModelLoss implements LlcLoss {
        private final Model model;
        private final NDArray tokens;
        private final NDArray targets;
        private final int[] scored;
        private final int n;

        ModelLoss(Model model, NDArray tokens, NDArray targets, int[] scored, int n) {
            this.model = model;
            this.tokens = tokens;
            this.targets = targets;
            this.scored = scored;
            this.n = n;
        }

        @Override
        public int n() {
            return n;
        }

        @Override
        public List<NDArray> params() {
            return model.params().trainableNames().stream()
                    .map(model.params()::get)
                    .toList();
        }

        @Override
        public NDArray loss(NDArray rows) {
            return Loss.crossEntropy(model.logits(tokens.get(rows), scored), targets.get(rows));
        }
    }
}

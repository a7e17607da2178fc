package dev.vivarium.lens.heads;

import dev.vivarium.core.model.TransformerConfig;
import dev.vivarium.core.task.Examples;
import dev.vivarium.core.task.Induction;
import dev.vivarium.laws.detect.ChangePoints;
import dev.vivarium.laws.detect.Series;
import dev.vivarium.lens.run.LensRun;
import dev.vivarium.lens.run.Output;
import dev.vivarium.store.run.MetricLog;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The {@code heads} analysis of an induction run: every head's previous-token, prefix-matching and copying
 * scores and the in-context-learning score at every checkpoint, on held-out repeated sequences, and the
 * whole-run summary: the phase change of the repeated half's loss (from the metric log) and of the best
 * layer-1 head's prefix-matching score (from the checkpoints), found by the laws module's change-point
 * detector, and the heads that form the circuit.
 */
public final class HeadsAnalysis {
    /** Held-out repeated sequences scored at every checkpoint. */
    public static final int MAX_SEQUENCES = 512;

    /** A head with a last-checkpoint score at least this is named as part of the circuit. */
    public static final double CIRCUIT_THRESHOLD = 0.3;

    /** Segments the metric log (one row every {@code logEvery} steps, linear in step). */
    static final ChangePoints LOG_DETECTOR = ChangePoints.DEFAULT;

    /** Segments the log-spaced checkpoints against log-step; 3-point segments, as there are few checkpoints. */
    static final ChangePoints CHECKPOINT_DETECTOR = new ChangePoints(3, 6, 0.05, true);

    private HeadsAnalysis() {}

    /** Runs the analysis over every checkpoint of {@code run}. */
    public static Output run(LensRun run, long lastStep) throws IOException {
        if (!(run.recipe().task() instanceof Induction task)) {
            throw new IllegalArgumentException("heads reads induction sequences (task kind induction); run "
                    + run.dir().id() + " trains "
                    + run.recipe().task().getClass().getSimpleName());
        }
        if (!(run.model().config() instanceof TransformerConfig cfg) || cfg.nLayers() < 2) {
            throw new IllegalArgumentException(
                    "heads needs a transformer of at least 2 layers (a previous-token head feeding an induction head)");
        }
        Examples test = run.data().test();
        int[] rows = task.repeatedRows(test);
        if (rows.length == 0) {
            throw new IllegalArgumentException("run " + run.dir().id()
                    + ": no repeated sequence in the test set (task.repeatFraction is " + task.repeatFraction() + ")");
        }
        int n = Math.min(rows.length, MAX_SEQUENCES);
        Examples ex = test.select(java.util.Arrays.copyOf(rows, n));
        List<CheckpointHeads> rowsOut = new ArrayList<>();
        for (long step : run.checkpoints()) {
            run.load(step);
            rowsOut.add(CheckpointHeads.measure(step, run.model(), task, ex, run.manager()));
        }
        List<Map<String, Double>> log = new MetricLog(run.dir().metricsFile()).read();
        Summary summary = Summary.of(rowsOut, log, task);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("sequences", n);
        out.put(
                "subset",
                "the first " + n + " repeated sequences of the test split (prefixes of " + task.minPrefix() + " to "
                        + task.prefixLen() + " tokens, each repeated once)");
        out.put("previous_token_definition", HeadScores.PREVIOUS_TOKEN);
        out.put("prefix_matching_definition", HeadScores.PREFIX_MATCHING);
        out.put("copying_definition", HeadScores.COPYING);
        out.put(
                "icl_score_definition",
                "mean loss at positions m+1..2m-1 (the repeat after its first token) minus mean loss at"
                        + " positions 1..m-1 (the prefix after its first token), on the same sequences; Olsson et al."
                        + " take loss at token 500 minus loss at token 50");
        out.put("bigram_loss", Math.log(task.branching()));
        out.put(
                "bigram_loss_definition",
                "log(branching): the loss of the best predictor from the current token alone");
        out.putAll(summary.json());
        List<Map<String, Object>> perCheckpoint = new ArrayList<>();
        for (CheckpointHeads c : rowsOut) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("step", c.step());
            m.put("loss_repeat", c.lossRepeat());
            m.put("loss_first", c.lossFirst());
            m.put("icl_score", c.iclScore());
            m.put("previous_token", c.previousToken());
            m.put("prefix_matching", c.prefixMatching());
            m.put("copying", c.copying());
            m.put("loss_by_position", c.lossByPosition());
            perCheckpoint.add(m);
        }
        out.put("checkpoints", perCheckpoint);
        return new Output(out, summary.line(), Optional.of(picture(run.dir().id(), rowsOut, log, task, summary)));
    }

    /**
     * What the run shows as a whole.
     *
     * @param lossChange the phase change of {@code test_loss_repeat / test_loss_first} in the metric log
     * @param repeatLossChange the steepest fall of {@code test_loss_repeat} itself
     * @param prefixChange the phase change of the induction head's prefix-matching score over checkpoints
     * @param previousChange the phase change of the previous-token head's score over checkpoints
     * @param inductionHead {@code [layer, head]}: the head of layer >= 1 with the highest last prefix-matching score
     * @param previousHead {@code [layer, head]}: the head of layer 0 with the highest last previous-token score
     * @param circuit the heads whose last score passes {@link #CIRCUIT_THRESHOLD}
     * @param last the last checkpoint's scores
     * @param beforeChange the logged losses at the loss phase change's first step, beside the bigram level
     */
    record Summary(
            Optional<PhaseChange> lossChange,
            Optional<PhaseChange> repeatLossChange,
            Optional<PhaseChange> prefixChange,
            Optional<PhaseChange> previousChange,
            int[] inductionHead,
            int[] previousHead,
            List<String> circuit,
            CheckpointHeads last,
            Map<String, Object> beforeChange) {

        static Summary of(List<CheckpointHeads> rows, List<Map<String, Double>> log, Induction task) {
            CheckpointHeads last = rows.get(rows.size() - 1);
            int[] induction = best(last.prefixMatching(), 1);
            int[] previous = best(last.previousToken(), 0);
            List<String> circuit = new ArrayList<>();
            for (int l = 0; l < last.previousToken().length; l++) {
                for (int h = 0; h < last.previousToken()[l].length; h++) {
                    if (l == 0 && last.previousToken()[l][h] >= CIRCUIT_THRESHOLD) {
                        circuit.add(name(l, h) + " previous-token");
                    }
                    if (l >= 1 && last.prefixMatching()[l][h] >= CIRCUIT_THRESHOLD) {
                        circuit.add(name(l, h) + " induction");
                    }
                }
            }
            List<Map<String, Double>> logged = log.stream()
                    .filter(r -> r.containsKey("test_loss_repeat") && r.containsKey("test_loss_first"))
                    .toList();
            Optional<PhaseChange> ratio = Optional.empty();
            Optional<PhaseChange> repeat = Optional.empty();
            if (logged.size() >= 2 * LOG_DETECTOR.minSegment()) {
                double[] x = logged.stream().mapToDouble(r -> r.get("step")).toArray();
                double[] rep = logged.stream()
                        .mapToDouble(r -> r.get("test_loss_repeat"))
                        .toArray();
                double[] rat = logged.stream()
                        .mapToDouble(r -> r.get("test_loss_repeat") / r.get("test_loss_first"))
                        .toArray();
                ratio = PhaseChange.of(
                        new Series("test_loss_repeat / test_loss_first", x, rat),
                        LOG_DETECTOR,
                        PhaseChange.Direction.FALL);
                repeat = PhaseChange.of(
                        new Series("test_loss_repeat", x, rep), LOG_DETECTOR, PhaseChange.Direction.FALL);
            }
            List<CheckpointHeads> positive =
                    rows.stream().filter(c -> c.step() > 0).toList();
            Optional<PhaseChange> prefix = Optional.empty();
            Optional<PhaseChange> prev = Optional.empty();
            if (positive.size() >= 2 * CHECKPOINT_DETECTOR.minSegment()) {
                double[] x =
                        positive.stream().mapToDouble(CheckpointHeads::step).toArray();
                prefix = PhaseChange.of(
                        new Series(
                                "prefix_matching " + name(induction[0], induction[1]),
                                x,
                                positive.stream()
                                        .mapToDouble(c -> c.prefixMatching()[induction[0]][induction[1]])
                                        .toArray()),
                        CHECKPOINT_DETECTOR,
                        PhaseChange.Direction.RISE);
                prev = PhaseChange.of(
                        new Series(
                                "previous_token " + name(previous[0], previous[1]),
                                x,
                                positive.stream()
                                        .mapToDouble(c -> c.previousToken()[previous[0]][previous[1]])
                                        .toArray()),
                        CHECKPOINT_DETECTOR,
                        PhaseChange.Direction.RISE);
            }
            Map<String, Object> before = new LinkedHashMap<>();
            if (ratio.isPresent()) {
                double at = ratio.get().from();
                logged.stream().filter(r -> r.get("step") == at).findFirst().ifPresent(r -> {
                    before.put("step", (long) at);
                    before.put("test_loss_repeat", r.get("test_loss_repeat"));
                    before.put("test_loss_first", r.get("test_loss_first"));
                    before.put("bigram_loss", Math.log(task.branching()));
                });
            }
            return new Summary(ratio, repeat, prefix, prev, induction, previous, circuit, last, before);
        }

        /** The head of layer {@code >= fromLayer} (only layer 0 when {@code fromLayer} is 0) with the top score. */
        private static int[] best(double[][] score, int fromLayer) {
            int[] b = {fromLayer, 0};
            int toLayer = fromLayer == 0 ? 1 : score.length;
            for (int l = fromLayer; l < toLayer; l++) {
                for (int h = 0; h < score[l].length; h++) {
                    if (score[l][h] > score[b[0]][b[1]]) {
                        b = new int[] {l, h};
                    }
                }
            }
            return b;
        }

        Map<String, Object> json() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("loss_phase_change", lossChange.map(PhaseChange::json).orElse(null));
            m.put(
                    "loss_phase_change_definition",
                    "on test_loss_repeat / test_loss_first from metrics.jsonl (the bigram learning both halves share"
                            + " divides out): " + PhaseChange.definition(LOG_DETECTOR));
            m.put(
                    "repeat_loss_steepest_fall",
                    repeatLossChange.map(PhaseChange::json).orElse(null));
            m.put("induction_head", name(inductionHead[0], inductionHead[1]));
            m.put(
                    "induction_head_rule",
                    "the head of layers >= 1 with the highest prefix-matching score at the last" + " checkpoint");
            m.put(
                    "prefix_matching_phase_change",
                    prefixChange.map(PhaseChange::json).orElse(null));
            m.put("previous_token_head", name(previousHead[0], previousHead[1]));
            m.put(
                    "previous_token_head_rule",
                    "the head of layer 0 with the highest previous-token score at the last" + " checkpoint");
            m.put(
                    "previous_token_phase_change",
                    previousChange.map(PhaseChange::json).orElse(null));
            m.put(
                    "checkpoint_phase_change_definition",
                    "on the head's score at every checkpoint after step 0: "
                            + PhaseChange.definition(CHECKPOINT_DETECTOR));
            m.put("circuit", circuit);
            m.put(
                    "circuit_rule",
                    "layer-0 heads with previous-token score >= " + CIRCUIT_THRESHOLD
                            + " and heads of later layers with prefix-matching score >= " + CIRCUIT_THRESHOLD
                            + ", at the last checkpoint");
            m.put("before_loss_phase_change", beforeChange.isEmpty() ? null : beforeChange);
            m.put("last_icl_score", last.iclScore());
            return m;
        }

        String line() {
            StringBuilder b = new StringBuilder();
            b.append(lossChange
                    .map(c -> String.format(
                            Locale.ROOT,
                            "repeated-half loss phase change at steps %d-%d (ratio to first half %.3f -> %.3f)",
                            (long) c.from(),
                            (long) c.to(),
                            c.valueBefore(),
                            c.valueAfter()))
                    .orElse("no fall in the repeated-half loss"));
            b.append(prefixChange
                    .map(c -> String.format(
                            Locale.ROOT,
                            "; %s prefix matching rises at checkpoints %d-%d (%.2f -> %.2f)",
                            name(inductionHead[0], inductionHead[1]),
                            (long) c.from(),
                            (long) c.to(),
                            c.valueBefore(),
                            c.valueAfter()))
                    .orElse("; no rise in prefix matching"));
            b.append(previousChange
                    .map(c -> String.format(
                            Locale.ROOT,
                            "; %s previous-token %d-%d (%.2f -> %.2f)",
                            name(previousHead[0], previousHead[1]),
                            (long) c.from(),
                            (long) c.to(),
                            c.valueBefore(),
                            c.valueAfter()))
                    .orElse("; no rise in a previous-token score"));
            b.append(String.format(
                    Locale.ROOT, "; ICL score %.3f; circuit: %s", last.iclScore(), String.join(", ", circuit)));
            return b.toString();
        }
    }

    static String name(int layer, int head) {
        return "L" + layer + "H" + head;
    }

    private static BufferedImage picture(
            String id, List<CheckpointHeads> rows, List<Map<String, Double>> log, Induction task, Summary s) {
        XYChart loss = chart(id + ": held-out loss on repeated sequences", "step", "loss (nats)");
        List<Map<String, Double>> logged = log.stream()
                .filter(r -> r.containsKey("test_loss_repeat") && r.containsKey("test_loss_first"))
                .toList();
        double[] x = logged.stream().mapToDouble(r -> r.get("step")).toArray();
        line(loss, "repeated half (test_loss_repeat)", x, col(logged, "test_loss_repeat"), new Color(0xd62728), false);
        line(loss, "first half (test_loss_first)", x, col(logged, "test_loss_first"), new Color(0x1f77b4), false);
        double maxStep = x.length > 0 ? x[x.length - 1] : 1;
        line(
                loss,
                String.format(Locale.ROOT, "bigram level log %d", task.branching()),
                new double[] {0, maxStep},
                new double[] {Math.log(task.branching()), Math.log(task.branching())},
                Color.GRAY,
                true);
        s.lossChange.ifPresent(c -> marker(loss, "loss phase change", c, 0, Math.log(task.dVocabOut())));
        XYChart heads = chart(id + ": head scores at each checkpoint", "step", "score");
        double[] cx = rows.stream().mapToDouble(CheckpointHeads::step).toArray();
        Color[] palette = {
            new Color(0x2ca02c), new Color(0xff7f0e), new Color(0x9467bd), new Color(0x8c564b), new Color(0xe377c2)
        };
        int layers = rows.get(0).prefixMatching().length;
        int nHeads = rows.get(0).prefixMatching()[0].length;
        for (int h = 0; h < nHeads; h++) {
            int hh = h;
            line(
                    heads,
                    "prev-token " + name(0, h),
                    cx,
                    rows.stream().mapToDouble(c -> c.previousToken()[0][hh]).toArray(),
                    palette[h % palette.length],
                    true);
        }
        for (int l = 1; l < layers; l++) {
            for (int h = 0; h < nHeads; h++) {
                int ll = l;
                int hh = h;
                line(
                        heads,
                        "prefix-match " + name(l, h),
                        cx,
                        rows.stream()
                                .mapToDouble(c -> c.prefixMatching()[ll][hh])
                                .toArray(),
                        palette[h % palette.length],
                        false);
            }
        }
        s.prefixChange.ifPresent(c -> marker(heads, "prefix-matching phase change", c, 0, 1));
        return dev.vivarium.lens.run.Pictures.stack(
                List.of(BitmapEncoder.getBufferedImage(loss), BitmapEncoder.getBufferedImage(heads)));
    }

    private static void marker(XYChart c, String name, PhaseChange p, double lo, double hi) {
        line(
                c,
                String.format(Locale.ROOT, "%s %d-%d", name, (long) p.from(), (long) p.to()),
                new double[] {p.from(), p.from(), p.to(), p.to()},
                new double[] {hi, lo, lo, hi},
                Color.BLACK,
                true);
    }

    private static double[] col(List<Map<String, Double>> rows, String key) {
        return rows.stream().mapToDouble(r -> r.get(key)).toArray();
    }

    private static XYChart chart(String title, String x, String y) {
        XYChart c = new XYChartBuilder()
                .width(1000)
                .height(400)
                .title(title)
                .xAxisTitle(x)
                .yAxisTitle(y)
                .build();
        org.knowm.xchart.style.XYStyler st = c.getStyler();
        st.setLegendPosition(Styler.LegendPosition.OutsideE);
        st.setChartBackgroundColor(Color.WHITE);
        st.setPlotBackgroundColor(Color.WHITE);
        st.setPlotGridLinesColor(new Color(0xdddddd));
        return c;
    }

    private static void line(XYChart c, String name, double[] x, double[] y, Color color, boolean dashed) {
        if (x.length == 0) {
            return;
        }
        XYSeries s = c.addSeries(name, x, y);
        s.setMarker(SeriesMarkers.NONE);
        s.setLineColor(color);
        s.setLineStyle(
                dashed
                        ? new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {6f}, 0f)
                        : new BasicStroke(2f));
    }
}

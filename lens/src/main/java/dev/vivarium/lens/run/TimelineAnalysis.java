package dev.vivarium.lens.run;

import dev.vivarium.lens.timeline.Measure;
import dev.vivarium.lens.timeline.Measures;
import dev.vivarium.lens.timeline.Timeline;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.knowm.xchart.XYChart;

/**
 * {@code vivarium lens RUN timeline}: every measure the run has on one step axis (see {@link Measures}: the
 * metric log and the analyses already written, so name the analyses to include before {@code timeline}, as
 * in {@code lens RUN --every fourier sharpness spectra cka llc progress timeline}), each measure's change
 * points and the stages they delimit ({@link Timeline#DEFAULT}), written as {@code timeline.json}, the table
 * {@code timeline.csv} (one row a step, one column a measure, blank where it was not measured) and one
 * picture with a panel a measure on a shared log-step axis, stage boundaries drawn through every panel.
 */
final class TimelineAnalysis {
    private static final int PANEL_WIDTH = 1000;
    private static final int PANEL_HEIGHT = 150;

    private TimelineAnalysis() {}

    static Output run(LensRun run, long step) throws IOException {
        Measures.Read read = Measures.read(run.dir());
        if (read.measures().isEmpty()) {
            throw new IllegalArgumentException("run " + run.dir().id() + " has no metrics and no analyses to put on a"
                    + " timeline" + (read.problems().isEmpty() ? "" : ": " + String.join("; ", read.problems())));
        }
        Timeline t = Timeline.DEFAULT;
        Timeline.Result r = t.detect(read.measures());
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("definition", t.definition());
        List<Map<String, Object>> measures = new ArrayList<>();
        for (int i = 0; i < read.measures().size(); i++) {
            Measure m = read.measures().get(i);
            Timeline.MeasureChanges c = r.changes().get(i);
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("name", m.name());
            row.put("source", m.source());
            row.put("steps", m.size());
            row.put("transform", c.transform());
            row.put("segments", c.segments());
            row.put(
                    "changes",
                    c.changes().stream().map(TimelineAnalysis::change).toList());
            c.note().ifPresent(n -> row.put("note", n));
            measures.add(row);
        }
        out.put("measures", measures);
        out.put(
                "boundaries",
                r.boundaries().stream()
                        .map(b -> {
                            Map<String, Object> m = new LinkedHashMap<>();
                            m.put("step", b.step());
                            m.put("measures", b.measures());
                            m.put("stage_boundary", b.stage());
                            return m;
                        })
                        .toList());
        out.put(
                "stages",
                r.stages().stream()
                        .map(s -> {
                            Map<String, Object> m = new LinkedHashMap<>();
                            m.put("stage", s.index());
                            m.put("from_step", s.fromStep());
                            m.put("to_step", s.toStep());
                            m.put("opens_with", s.opensWith());
                            return m;
                        })
                        .toList());
        out.put("problems", read.problems());
        out.put("table", "timeline.csv");
        run.writeText("timeline.csv", table(read.measures()));
        String summary = String.format(
                Locale.ROOT,
                "%d measures, %d stage(s)%s",
                read.measures().size(),
                r.stages().size(),
                r.stages().size() <= 1
                        ? ""
                        : "; boundaries at steps "
                                + r.stages().stream()
                                        .skip(1)
                                        .map(s -> String.format(
                                                Locale.ROOT,
                                                "%.0f (%s)",
                                                s.fromStep(),
                                                String.join(", ", s.opensWith())))
                                        .collect(Collectors.joining("; ")));
        return new Output(out, summary, Optional.of(picture(run.dir().id(), read.measures(), r)));
    }

    private static Map<String, Object> change(Timeline.Change c) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("step", c.step());
        m.put("kind", c.kind());
        m.put("direction", c.direction());
        return m;
    }

    /** One row a step (every step any measure has), one column a measure. */
    static String table(List<Measure> measures) {
        TreeSet<Double> steps = new TreeSet<>();
        List<Map<Double, Double>> cols = new ArrayList<>();
        for (Measure m : measures) {
            Map<Double, Double> col = new LinkedHashMap<>();
            double[] x = m.steps();
            double[] y = m.values();
            for (int i = 0; i < x.length; i++) {
                steps.add(x[i]);
                col.put(x[i], y[i]);
            }
            cols.add(col);
        }
        StringBuilder b = new StringBuilder("step");
        for (Measure m : measures) {
            b.append(',').append(m.name());
        }
        b.append('\n');
        for (double s : steps) {
            b.append((long) s);
            for (Map<Double, Double> col : cols) {
                b.append(',');
                Double v = col.get(s);
                if (v != null) {
                    b.append(v);
                }
            }
            b.append('\n');
        }
        return b.toString();
    }

    private static BufferedImage picture(String id, List<Measure> measures, Timeline.Result r) {
        double lo = Double.POSITIVE_INFINITY;
        double hi = 0;
        for (Measure m : measures) {
            for (double x : m.steps()) {
                if (x > 0) {
                    lo = Math.min(lo, x);
                    hi = Math.max(hi, x);
                }
            }
        }
        List<Double> stageSteps =
                r.stages().stream().skip(1).map(Timeline.Stage::fromStep).toList();
        List<BufferedImage> panels = new ArrayList<>();
        for (int i = 0; i < measures.size(); i++) {
            Measure m = measures.get(i);
            double[] x = m.steps();
            double[] y = m.values();
            double ylo = Double.POSITIVE_INFINITY;
            double yhi = Double.NEGATIVE_INFINITY;
            for (int k = 0; k < y.length; k++) {
                if (x[k] > 0) {
                    ylo = Math.min(ylo, y[k]);
                    yhi = Math.max(yhi, y[k]);
                }
            }
            // log y only where it shows something: a positive measure spanning more than two decades
            boolean logY = r.changes().get(i).transform().equals("log") && ylo > 0 && yhi > 100 * ylo;
            XYChart c = Pictures.lines(
                    i == 0 ? id + ": timeline (stage boundaries dashed, change points red) - " + m.name() : m.name(),
                    i == measures.size() - 1 ? "step (log)" : "",
                    "",
                    true,
                    logY,
                    PANEL_WIDTH,
                    i == 0 ? PANEL_HEIGHT + 30 : PANEL_HEIGHT);
            c.getStyler().setLegendVisible(false);
            // one label format in every panel, so that the plot areas line up
            c.getStyler().setYAxisDecimalPattern("0.00E0");
            if (lo < hi) {
                c.getStyler().setXAxisMin(lo);
                c.getStyler().setXAxisMax(hi);
            }
            Pictures.line(c, m.name(), m.steps(), m.values(), Pictures.BLUE, false);
            int k = 0;
            for (double s : stageSteps) {
                if (ylo <= yhi) {
                    Pictures.line(
                            c, "stage " + (++k), new double[] {s, s}, new double[] {ylo, yhi}, Pictures.GREY, true);
                }
            }
            for (Timeline.Change ch : r.changes().get(i).changes()) {
                double v = valueAt(x, y, ch.step());
                if (!logY || v > 0) {
                    Pictures.dots(
                            c,
                            "change " + ch.step(),
                            new double[] {ch.step()},
                            new double[] {Math.max(v, 1e-300)},
                            Pictures.RED);
                }
            }
            panels.add(Pictures.image(c));
        }
        return Pictures.stack(panels);
    }

    private static double valueAt(double[] x, double[] y, double step) {
        for (int i = 0; i < x.length; i++) {
            if (x[i] >= step) {
                return y[i];
            }
        }
        return y[y.length - 1];
    }
}

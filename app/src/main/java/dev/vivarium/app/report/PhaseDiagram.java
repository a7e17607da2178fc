package dev.vivarium.app.report;

import dev.vivarium.laws.detect.Grokking;
import dev.vivarium.laws.detect.GrokkingPhase;
import dev.vivarium.laws.runs.RunRecord;
import dev.vivarium.laws.runs.StoreRunSource;
import dev.vivarium.store.io.AtomicFiles;
import dev.vivarium.sweep.SweepReport;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.TreeSet;
import javax.imageio.ImageIO;

/**
 * A grokking phase diagram of a sweep: for every point the laws detector's memorisation and grokking steps
 * ({@link GrokkingPhase#DEFAULT}: memorisation at 99% train accuracy held to the end; the grokking step where
 * the final descent of log test loss begins, GROKKED when at least twice the memorisation step), and per cell
 * of two axes the median over the cell's points (seeds) of the step where that descent begins (for GROKKED and
 * GENERALISED_WITHOUT_DELAY points alike), a point whose test loss never made it counting as later than any step (so a cell where most seeds did not grok is "never"); points that have not completed are
 * left out of the cells. Written as a CSV of the points, a table of the cells and a heatmap.
 */
public final class PhaseDiagram {
    private PhaseDiagram() {}

    /**
     * One point of the sweep, detected.
     *
     * @param row the point as the sweep folder describes it
     * @param x its value on the x axis, as written
     * @param y its value on the y axis, as written
     * @param phase the detector's result, empty when the run has no metrics to detect on
     * @param finalStep the last logged step
     * @param finalTestAcc the last logged test accuracy (NaN if none)
     */
    public record PointPhase(
            SweepReport.Row row,
            String x,
            String y,
            GrokkingPhase.Result phase,
            double finalStep,
            double finalTestAcc) {
        /**
         * Whether test loss made its final descent: GROKKED, or GENERALISED_WITHOUT_DELAY (a point that
         * generalises as soon as it memorises is early, not never).
         */
        public boolean grokked() {
            return phase != null
                    && (phase.verdict() == Grokking.Verdict.GROKKED
                            || phase.verdict() == Grokking.Verdict.GENERALISED_WITHOUT_DELAY)
                    && phase.grokStep().isPresent();
        }
    }

    /**
     * One cell: the points at one (x, y).
     *
     * @param x the x value
     * @param y the y value
     * @param points how many points (seeds)
     * @param grokked how many made the descent (grokked, or generalised without delay)
     * @param medianGrokStep the median grokking step, non-grokked counted as later than any; NaN when "never"
     * @param medianMemorisationStep the median memorisation step over the points that memorised; NaN if none did
     */
    public record Cell(
            String x, String y, int points, int grokked, double medianGrokStep, double medianMemorisationStep) {}

    /** The diagram: its axes, points and cells. */
    public record Diagram(
            String xAxis, String yAxis, List<String> xs, List<String> ys, List<PointPhase> points, List<Cell> cells) {
        /** The cell at (x, y), or null. */
        public Cell cell(String x, String y) {
            return cells.stream()
                    .filter(c -> c.x().equals(x) && c.y().equals(y))
                    .findFirst()
                    .orElse(null);
        }
    }

    /**
     * Detects every point of the sweep folder {@code dir} and groups them by {@code xAxis} and {@code yAxis}
     * (override keys of the sweep; null chooses: the two axes with more than one value besides {@code seed}, the
     * later one on x).
     */
    public static Diagram of(Path dir, String xAxis, String yAxis) throws IOException {
        List<SweepReport.Row> rows = SweepReport.rows(dir);
        List<String> varying = new ArrayList<>();
        for (String a : SweepReport.axes(rows)) {
            if (!a.equals("seed")
                    && rows.stream().map(r -> r.overrides().get(a)).distinct().count() > 1) {
                varying.add(a);
            }
        }
        if (xAxis == null || yAxis == null) {
            if (varying.size() != 2) {
                throw new IllegalArgumentException("the sweep " + dir + " varies " + varying
                        + " besides the seed; name the two axes with --x and --y");
            }
            yAxis = yAxis != null ? yAxis : varying.get(0).equals(xAxis) ? varying.get(1) : varying.get(0);
            xAxis = xAxis != null ? xAxis : varying.get(1).equals(yAxis) ? varying.get(0) : varying.get(1);
        }
        for (String a : List.of(xAxis, yAxis)) {
            if (!varying.contains(a)) {
                throw new IllegalArgumentException(
                        "axis " + a + ": not an axis of the sweep " + dir + " (its axes: " + varying + ")");
            }
        }
        List<PointPhase> points = new ArrayList<>();
        for (SweepReport.Row r : rows) {
            points.add(detect(r, r.overrides().get(xAxis), r.overrides().get(yAxis)));
        }
        List<String> xs = sorted(points.stream().map(PointPhase::x).toList());
        List<String> ys = sorted(points.stream().map(PointPhase::y).toList());
        List<Cell> cells = new ArrayList<>();
        for (String y : ys) {
            for (String x : xs) {
                List<PointPhase> at = points.stream()
                        .filter(p -> p.phase() != null && p.x().equals(x) && p.y().equals(y))
                        .toList();
                if (!at.isEmpty()) {
                    cells.add(cell(x, y, at));
                }
            }
        }
        return new Diagram(xAxis, yAxis, xs, ys, points, cells);
    }

    private static PointPhase detect(SweepReport.Row r, String x, String y) {
        if (!r.state().equals("COMPLETED")) {
            return new PointPhase(r, x, y, null, Double.NaN, Double.NaN);
        }
        RunRecord run = StoreRunSource.read(r.run());
        GrokkingPhase.Result g = GrokkingPhase.DEFAULT.detect(run.series("train_acc"), run.series("test_loss"));
        double[] acc = run.series("test_acc").values();
        double[] steps = run.series("test_acc").x();
        return new PointPhase(r, x, y, g, steps[steps.length - 1], acc[acc.length - 1]);
    }

    static Cell cell(String x, String y, List<PointPhase> at) {
        double[] grok = at.stream()
                .mapToDouble(p -> p.grokked() ? p.phase().grokStep().getAsDouble() : Double.POSITIVE_INFINITY)
                .toArray();
        double[] mem = at.stream()
                .filter(p -> p.phase() != null && p.phase().memorisationStep().isPresent())
                .mapToDouble(p -> p.phase().memorisationStep().getAsDouble())
                .toArray();
        double g = median(grok);
        return new Cell(
                x,
                y,
                at.size(),
                (int) at.stream().filter(PointPhase::grokked).count(),
                Double.isInfinite(g) ? Double.NaN : g,
                mem.length == 0 ? Double.NaN : median(mem));
    }

    /** The median (the mean of the middle two for an even count); infinities sort last. */
    static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        int n = s.length;
        return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
    }

    private static List<String> sorted(List<String> values) {
        TreeSet<String> set = new TreeSet<>((a, b) -> {
            try {
                return Double.compare(Double.parseDouble(a), Double.parseDouble(b));
            } catch (NumberFormatException e) {
                return a.compareTo(b);
            }
        });
        set.addAll(values);
        return List.copyOf(set);
    }

    /** The points' CSV: id, state, the two axes, seed, verdict, memorisation and grokking steps, final step and test accuracy. */
    public static String csv(Diagram d) {
        StringBuilder b = new StringBuilder("id,state," + d.xAxis() + "," + d.yAxis()
                + ",seed,verdict,memorisation_step,grok_step,final_step,final_test_acc\n");
        for (PointPhase p : d.points()) {
            b.append(p.row().id())
                    .append(',')
                    .append(p.row().state())
                    .append(',')
                    .append(p.x())
                    .append(',');
            b.append(p.y())
                    .append(',')
                    .append(p.row().overrides().getOrDefault("seed", ""))
                    .append(',');
            if (p.phase() == null) {
                b.append(",,,,\n");
                continue;
            }
            b.append(p.phase().verdict()).append(',');
            b.append(num(p.phase().memorisationStep())).append(',');
            b.append(num(p.phase().grokStep())).append(',');
            b.append(String.format(Locale.ROOT, "%.0f,%.4f%n", p.finalStep(), p.finalTestAcc()));
        }
        return b.toString();
    }

    /** The cells as a text table: y down, x across, each the median grok step and how many of the seeds grokked. */
    public static String table(Diagram d) {
        StringBuilder b = new StringBuilder();
        b.append(String.format(
                Locale.ROOT, "median grokking step (grokked/points); rows %s, columns %s%n", d.yAxis(), d.xAxis()));
        b.append(String.format(Locale.ROOT, "%-12s", d.yAxis().replaceFirst(".*\\.", "")));
        d.xs().forEach(x -> b.append(String.format(Locale.ROOT, "%16s", x)));
        b.append('\n');
        for (String y : d.ys()) {
            b.append(String.format(Locale.ROOT, "%-12s", y));
            for (String x : d.xs()) {
                Cell c = d.cell(x, y);
                b.append(String.format(Locale.ROOT, "%16s", c == null ? "-" : label(c)));
            }
            b.append('\n');
        }
        return b.toString();
    }

    static String label(Cell c) {
        String step =
                Double.isNaN(c.medianGrokStep()) ? "never" : String.format(Locale.ROOT, "%.0f", c.medianGrokStep());
        return step + " (" + c.grokked() + "/" + c.points() + ")";
    }

    private static String num(OptionalDouble v) {
        return v.isPresent() ? String.format(Locale.ROOT, "%.0f", v.getAsDouble()) : "";
    }

    /** Writes the heatmap: dark where grokking comes early, light where late, hatched grey where never. */
    public static void writePng(Path png, Diagram d, String title) throws IOException {
        BufferedImage img = image(d, title);
        AtomicFiles.write(png, out -> ImageIO.write(img, "png", out));
    }

    static BufferedImage image(Diagram d, String title) {
        int cell = 96;
        int left = 110;
        int top = 60;
        int w = Math.max(left + d.xs().size() * cell + 40, 520);
        int h = top + d.ys().size() * cell + 80;
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, w, h);
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
        g.drawString(title, 10, 22);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        g.drawString("median grokking step over seeds (grokked/points); hatched: never grokked in the budget", 10, 40);
        double lo = d.cells().stream()
                .mapToDouble(Cell::medianGrokStep)
                .filter(Double::isFinite)
                .min()
                .orElse(0);
        double hi = d.cells().stream()
                .mapToDouble(Cell::medianGrokStep)
                .filter(Double::isFinite)
                .max()
                .orElse(1);
        Map<String, Integer> col = new LinkedHashMap<>();
        for (int j = 0; j < d.xs().size(); j++) {
            col.put(d.xs().get(j), j);
        }
        for (int i = 0; i < d.ys().size(); i++) {
            // the largest y at the top, as a diagram's y axis reads
            String y = d.ys().get(d.ys().size() - 1 - i);
            for (String x : d.xs()) {
                Cell c = d.cell(x, y);
                int px = left + col.get(x) * cell;
                int py = top + i * cell;
                if (c == null) {
                    continue;
                }
                if (Double.isFinite(c.medianGrokStep())) {
                    double t = hi > lo ? (hi - c.medianGrokStep()) / (hi - lo) : 1;
                    t = 0.25 + 0.75 * t; // early grokking dark, late light, never hatched
                    g.setColor(new Color((int) (255 - t * (255 - 0x08)), (int) (255 - t * (255 - 0x30)), (int)
                            (255 - t * (255 - 0x6b))));
                    g.fillRect(px, py, cell, cell);
                    g.setColor(t > 0.6 ? Color.WHITE : Color.BLACK);
                } else {
                    g.setColor(new Color(0xeeeeee));
                    g.fillRect(px, py, cell, cell);
                    g.setColor(new Color(0x999999));
                    for (int k = -cell; k < cell; k += 8) {
                        g.drawLine(
                                px + Math.max(0, k),
                                py + Math.max(0, -k),
                                px + Math.min(cell, cell + k),
                                py + Math.min(cell, cell - k));
                    }
                    g.setColor(Color.BLACK);
                }
                String[] lines = label(c).split(" ");
                g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 13));
                g.drawString(lines[0], px + 10, py + cell / 2 - 2);
                g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
                g.drawString(lines[1], px + 10, py + cell / 2 + 14);
                g.setColor(Color.WHITE);
                g.drawRect(px, py, cell, cell);
            }
            g.setColor(Color.BLACK);
            g.drawString(y, left - 50, top + i * cell + cell / 2 + 4);
        }
        for (String x : d.xs()) {
            g.drawString(x, left + col.get(x) * cell + cell / 2 - 10, top + d.ys().size() * cell + 18);
        }
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 12));
        g.drawString(d.xAxis(), left + d.xs().size() * cell / 2 - 40, top + d.ys().size() * cell + 40);
        Graphics2D r = (Graphics2D) g.create();
        r.translate(22, top + d.ys().size() * cell / 2 + 40);
        r.rotate(-Math.PI / 2);
        r.drawString(d.yAxis(), 0, 0);
        r.dispose();
        g.dispose();
        return img;
    }
}

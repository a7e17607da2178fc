package dev.vivarium.app.report;

import dev.vivarium.store.io.AtomicFiles;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;
import javax.imageio.ImageIO;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.XYStyler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * Training curves of a run: train and test loss (log scale) above, train and test accuracy below,
 * both against step on a log axis — the picture in which grokking is seen at a glance.
 *
 * <p>The two panels share their x axis exactly: the same step range, and y tick labels of the same
 * width (a monospaced font, padded to one length), so a step sits at the same pixel column in both. Each
 * axis writes all its ticks in one format ({@link TickFormat}).
 */
public final class Curves {
    static final Color TRAIN = new Color(0x1f77b4);
    static final Color TEST = new Color(0xd62728);
    /** The plot area's border, a colour no series or grid uses, so a test can find the plot area. */
    static final Color BORDER = new Color(0x404040);

    static final int WIDTH = 900;
    static final int PANEL_HEIGHT = 380;

    private Curves() {}

    /** Writes the PNG for the metric rows of a run; step 0 is left out of the log axis. */
    public static void write(Path png, String title, List<Map<String, Double>> rows) throws IOException {
        BufferedImage both = image(title, rows);
        try {
            AtomicFiles.write(png, out -> ImageIO.write(both, "png", out));
        } catch (IOException e) {
            throw new IOException(png + ": cannot write the curves: " + e.getMessage(), e);
        }
    }

    /** The two panels, loss above accuracy, as one image; the loss panel alone for a run with no accuracy. */
    static BufferedImage image(String title, List<Map<String, Double>> rows) throws IOException {
        List<Map<String, Double>> pts =
                rows.stream().filter(r -> r.getOrDefault("step", 0.0) > 0).toList();
        if (pts.isEmpty()) {
            throw new IOException("no logged steps after step 0 to plot for " + title);
        }
        double firstStep = pts.stream().mapToDouble(r -> r.get("step")).min().orElseThrow();
        double lastStep = pts.stream().mapToDouble(r -> r.get("step")).max().orElseThrow();
        if (lastStep <= firstStep) {
            lastStep = firstStep * 10; // one logged step: a decade around it
        }

        double first = firstStep;
        double last = lastStep;
        IntFunction<XYChart> loss = width -> lossPanel(width, title, pts, first, last);
        IntFunction<XYChart> acc = width -> accuracyPanel(width, pts, first, last);
        if (pts.stream().noneMatch(r -> r.containsKey("train_acc") || r.containsKey("test_acc"))) {
            return BitmapEncoder.getBufferedImage(loss.apply(WIDTH)); // a regression: MSE only
        }
        // the panels' y labels differ in width (0.0001 above, 0.0 below), so their plot areas start at
        // different columns; the panel whose area starts left of the other's is drawn narrower by the
        // difference and further right by as much: both areas then span the same columns
        BufferedImage top = BitmapEncoder.getBufferedImage(loss.apply(WIDTH));
        BufferedImage bottom = BitmapEncoder.getBufferedImage(acc.apply(WIDTH));
        int shift = plotLeft(top) - plotLeft(bottom);
        if (shift > 0) {
            bottom = BitmapEncoder.getBufferedImage(acc.apply(WIDTH - shift));
        } else if (shift < 0) {
            top = BitmapEncoder.getBufferedImage(loss.apply(WIDTH + shift));
        }
        BufferedImage both = new BufferedImage(WIDTH, top.getHeight() + bottom.getHeight(), BufferedImage.TYPE_INT_RGB);
        var g = both.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, both.getWidth(), both.getHeight());
        g.drawImage(top, WIDTH - top.getWidth(), 0, null);
        g.drawImage(bottom, WIDTH - bottom.getWidth(), top.getHeight(), null);
        g.dispose();
        return both;
    }

    /** Train and test loss on a log axis, all ticks in one format. */
    private static XYChart lossPanel(
            int width, String title, List<Map<String, Double>> pts, double firstStep, double lastStep) {
        XYChart c = chart(width, title + " — loss", "loss (log)", firstStep, lastStep);
        double[] range = {Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY};
        add(c, "train loss", pts, "train_loss", TRAIN, true, range);
        add(c, "test loss", pts, "test_loss", TEST, true, range);
        c.getStyler().setYAxisLogarithmic(true);
        c.getStyler().setYAxisDecimalPattern(TickFormat.forLogAxis(range[0], range[1]));
        return c;
    }

    /** Train and test accuracy from 0 to 1. */
    private static XYChart accuracyPanel(int width, List<Map<String, Double>> pts, double firstStep, double lastStep) {
        XYChart c = chart(width, "accuracy", "accuracy", firstStep, lastStep);
        add(c, "train accuracy", pts, "train_acc", TRAIN, false, new double[2]);
        add(c, "test accuracy", pts, "test_acc", TEST, false, new double[2]);
        c.getStyler().setYAxisMin(0.0).setYAxisMax(1.0).setYAxisDecimalPattern("0.0");
        return c;
    }

    private static XYChart chart(int width, String title, String yTitle, double firstStep, double lastStep) {
        XYChart c = new XYChartBuilder()
                .width(width)
                .height(PANEL_HEIGHT)
                .title(title)
                .xAxisTitle("step (log)")
                .yAxisTitle(yTitle)
                .build();
        XYStyler s = c.getStyler();
        s.setLegendPosition(Styler.LegendPosition.OutsideS);
        s.setLegendLayout(Styler.LegendLayout.Horizontal);
        s.setChartBackgroundColor(Color.WHITE);
        s.setPlotBackgroundColor(Color.WHITE);
        s.setPlotBorderColor(BORDER);
        s.setPlotGridLinesColor(new Color(0xdddddd));
        s.setXAxisLogarithmic(true);
        s.setXAxisMin(firstStep).setXAxisMax(lastStep);
        s.setXAxisDecimalPattern(TickFormat.forLogAxis(firstStep, lastStep));
        return c;
    }

    /** The first column where the plot area's border runs down at least a third of a rendered panel. */
    static int plotLeft(BufferedImage panel) {
        int border = BORDER.getRGB() & 0xffffff;
        for (int x = 0; x < panel.getWidth(); x++) {
            int run = 0;
            for (int y = 0; y < panel.getHeight(); y++) {
                run = (panel.getRGB(x, y) & 0xffffff) == border ? run + 1 : 0;
                if (run >= panel.getHeight() / 3) {
                    return x;
                }
            }
        }
        throw new IllegalStateException("no plot border in the chart");
    }

    /**
     * Adds the series {@code key}; on a log axis only positive values can be drawn. {@code range}
     * collects the smallest and largest value drawn.
     */
    private static void add(
            XYChart c,
            String name,
            List<Map<String, Double>> rows,
            String key,
            Color color,
            boolean logAxis,
            double[] range) {
        List<Double> x = new ArrayList<>();
        List<Double> y = new ArrayList<>();
        for (Map<String, Double> r : rows) {
            Double v = r.get(key);
            if (v != null && Double.isFinite(v) && (!logAxis || v > 0)) {
                x.add(r.get("step"));
                y.add(v);
                range[0] = Math.min(range[0], v);
                range[1] = Math.max(range[1], v);
            }
        }
        if (x.isEmpty()) {
            return;
        }
        XYSeries s = c.addSeries(name, x, y);
        s.setMarker(SeriesMarkers.NONE);
        s.setLineColor(color);
        s.setLineStyle(new BasicStroke(2f));
    }
}

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
import javax.imageio.ImageIO;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * Training curves of a run: train and test loss (log scale) above, train and test accuracy below,
 * both against step on a log axis — the picture in which grokking is seen at a glance.
 */
public final class Curves {
    private static final Color TRAIN = new Color(0x1f77b4);
    private static final Color TEST = new Color(0xd62728);

    private Curves() {}

    /** Writes {@code curves.png} for the metric rows of a run; step 0 is left out of the log axis. */
    public static void write(Path png, String title, List<Map<String, Double>> rows) throws IOException {
        List<Map<String, Double>> pts =
                rows.stream().filter(r -> r.getOrDefault("step", 0.0) > 0).toList();
        if (pts.isEmpty()) {
            throw new IOException("no logged steps after step 0 to plot for " + title);
        }
        XYChart loss = chart(title + " — loss", "loss (log)", true);
        add(loss, "train loss", pts, "train_loss", TRAIN);
        add(loss, "test loss", pts, "test_loss", TEST);
        XYChart acc = chart("accuracy", "accuracy", false);
        add(acc, "train accuracy", pts, "train_acc", TRAIN);
        add(acc, "test accuracy", pts, "test_acc", TEST);
        acc.getStyler().setYAxisMin(0.0).setYAxisMax(1.0);
        BufferedImage top = BitmapEncoder.getBufferedImage(loss);
        BufferedImage bottom = BitmapEncoder.getBufferedImage(acc);
        BufferedImage both =
                new BufferedImage(top.getWidth(), top.getHeight() + bottom.getHeight(), BufferedImage.TYPE_INT_RGB);
        var g = both.createGraphics();
        g.drawImage(top, 0, 0, null);
        g.drawImage(bottom, 0, top.getHeight(), null);
        g.dispose();
        AtomicFiles.write(png, out -> ImageIO.write(both, "png", out));
    }

    private static XYChart chart(String title, String yTitle, boolean logY) {
        XYChart c = new XYChartBuilder()
                .width(900)
                .height(380)
                .title(title)
                .xAxisTitle("step (log)")
                .yAxisTitle(yTitle)
                .build();
        Styler s = c.getStyler();
        s.setLegendPosition(Styler.LegendPosition.OutsideS);
        s.setLegendLayout(Styler.LegendLayout.Horizontal);
        s.setChartBackgroundColor(Color.WHITE);
        s.setPlotBackgroundColor(Color.WHITE);
        c.getStyler().setXAxisLogarithmic(true);
        c.getStyler().setYAxisLogarithmic(logY);
        c.getStyler().setPlotGridLinesColor(new Color(0xdddddd));
        return c;
    }

    private static void add(XYChart c, String name, List<Map<String, Double>> rows, String key, Color color) {
        List<Double> x = new ArrayList<>();
        List<Double> y = new ArrayList<>();
        for (Map<String, Double> r : rows) {
            Double v = r.get(key);
            if (v != null && Double.isFinite(v) && v > 0) {
                x.add(r.get("step"));
                y.add(v);
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

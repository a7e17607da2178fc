package dev.vivarium.lens.run;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** The charts the analyses draw: bars, lines and heatmaps on white, in one style (bars, heatmaps and their
 * arrangement are public for the diff and audit pictures). */
public final class Pictures {
    static final Color BLUE = new Color(0x1f77b4);
    static final Color RED = new Color(0xd62728);
    static final Color GREY = new Color(0xaaaaaa);
    static final Color GREEN = new Color(0x2ca02c);
    static final Color ORANGE = new Color(0xff7f0e);

    private Pictures() {}

    /** Bars of {@code values} over {@code labels}, those with {@code marked[i]} in red, the rest grey. */
    public static BufferedImage bars(
            String title,
            String xTitle,
            String yTitle,
            List<String> labels,
            double[] values,
            boolean[] marked,
            String markedName,
            String otherName) {
        CategoryChart c = new CategoryChartBuilder()
                .width(1000)
                .height(420)
                .title(title)
                .xAxisTitle(xTitle)
                .yAxisTitle(yTitle)
                .build();
        style(c.getStyler());
        c.getStyler().setOverlapped(true);
        c.getStyler().setXAxisLabelRotation(labels.size() > 30 ? 90 : 0);
        List<Double> on = new ArrayList<>();
        List<Double> off = new ArrayList<>();
        for (int i = 0; i < values.length; i++) {
            on.add(marked[i] ? values[i] : 0.0);
            off.add(marked[i] ? 0.0 : values[i]);
        }
        c.addSeries(markedName, labels, on).setFillColor(RED);
        c.addSeries(otherName, labels, off).setFillColor(GREY);
        return BitmapEncoder.getBufferedImage(c);
    }

    /** An empty line chart in the shared style. */
    static XYChart lines(String title, String xTitle, String yTitle, boolean logX, boolean logY) {
        return lines(title, xTitle, yTitle, logX, logY, 1000, 420);
    }

    /** The same, {@code width x height} pixels. */
    static XYChart lines(
            String title, String xTitle, String yTitle, boolean logX, boolean logY, int width, int height) {
        XYChart c = new XYChartBuilder()
                .width(width)
                .height(height)
                .title(title)
                .xAxisTitle(xTitle)
                .yAxisTitle(yTitle)
                .build();
        style(c.getStyler());
        c.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
        c.getStyler().setLegendLayout(Styler.LegendLayout.Vertical);
        c.getStyler().setXAxisLogarithmic(logX);
        c.getStyler().setYAxisLogarithmic(logY);
        return c;
    }

    /** Adds a line, leaving out points a log axis cannot show. */
    static void line(XYChart c, String name, double[] x, double[] y, Color color, boolean dashed) {
        List<Double> xs = new ArrayList<>();
        List<Double> ys = new ArrayList<>();
        boolean logX = c.getStyler().isXAxisLogarithmic();
        boolean logY = c.getStyler().isYAxisLogarithmic();
        for (int i = 0; i < x.length; i++) {
            if (Double.isFinite(x[i]) && Double.isFinite(y[i]) && (!logX || x[i] > 0) && (!logY || y[i] > 0)) {
                xs.add(x[i]);
                ys.add(y[i]);
            }
        }
        if (xs.isEmpty()) {
            return;
        }
        XYSeries s = c.addSeries(name, xs, ys);
        s.setMarker(SeriesMarkers.NONE);
        s.setLineColor(color);
        s.setLineStyle(
                dashed
                        ? new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {6f}, 0f)
                        : new BasicStroke(2f));
    }

    /** Points without a line. */
    static void dots(XYChart c, String name, double[] x, double[] y, Color color) {
        List<Double> xs = new ArrayList<>();
        List<Double> ys = new ArrayList<>();
        for (int i = 0; i < x.length; i++) {
            if (x[i] > 0 && y[i] > 0 && Double.isFinite(x[i]) && Double.isFinite(y[i])) {
                xs.add(x[i]);
                ys.add(y[i]);
            }
        }
        if (xs.isEmpty()) {
            return;
        }
        XYSeries s = c.addSeries(name, xs, ys);
        s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
        s.setMarker(SeriesMarkers.CIRCLE);
        s.setMarkerColor(color);
    }

    static BufferedImage image(XYChart c) {
        return BitmapEncoder.getBufferedImage(c);
    }

    /**
     * A heatmap of {@code m[row][col]} (NaN drawn hatched grey, "undefined"), white at {@code lo}, dark blue at
     * {@code hi}, each cell labelled with its value when the cells are large enough.
     */
    public static BufferedImage heatmap(
            String title, List<String> rows, List<String> cols, double[][] m, double lo, double hi, int cell) {
        int left = 20 + 7 * rows.stream().mapToInt(String::length).max().orElse(4);
        int top = 50;
        int bottom = 20 + 7 * cols.stream().mapToInt(String::length).max().orElse(4);
        int w = Math.max(Math.max(360, left + cols.size() * cell + 20), 20 + 8 * title.length());
        int h = top + rows.size() * cell + bottom;
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, w, h);
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
        g.drawString(title, 10, 25);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        for (int i = 0; i < rows.size(); i++) {
            for (int j = 0; j < cols.size(); j++) {
                int x = left + j * cell;
                int y = top + i * cell;
                double v = m[i][j];
                if (Double.isFinite(v)) {
                    double t = hi > lo ? Math.max(0, Math.min(1, (v - lo) / (hi - lo))) : 0;
                    g.setColor(new Color((int) (255 - t * (255 - 0x08)), (int) (255 - t * (255 - 0x30)), (int)
                            (255 - t * (255 - 0x6b))));
                    g.fillRect(x, y, cell, cell);
                    if (cell >= 36) {
                        g.setColor(t > 0.55 ? Color.WHITE : Color.BLACK);
                        g.drawString(String.format(Locale.ROOT, "%.2f", v), x + cell / 2 - 12, y + cell / 2 + 4);
                    }
                } else {
                    g.setColor(new Color(0xeeeeee));
                    g.fillRect(x, y, cell, cell);
                    g.setColor(GREY);
                    for (int d = -cell; d < cell; d += 6) {
                        g.drawLine(
                                x + Math.max(0, d),
                                y + Math.max(0, -d),
                                x + Math.min(cell, cell + d),
                                y + Math.min(cell, cell - d));
                    }
                    if (cell >= 36) {
                        g.setColor(Color.DARK_GRAY);
                        g.drawString("undef.", x + 4, y + cell / 2 + 4);
                    }
                }
                g.setColor(Color.WHITE);
                g.drawRect(x, y, cell, cell);
            }
        }
        g.setColor(Color.BLACK);
        for (int i = 0; i < rows.size(); i++) {
            g.drawString(rows.get(i), 8, top + i * cell + cell / 2 + 4);
        }
        for (int j = 0; j < cols.size(); j++) {
            Graphics2D r = (Graphics2D) g.create();
            r.translate(left + j * cell + cell / 2 + 4, top + rows.size() * cell + 8);
            r.rotate(Math.PI / 2);
            r.drawString(cols.get(j), 0, 0);
            r.dispose();
        }
        g.dispose();
        return img;
    }

    /** Images side by side, on white, as tall as the tallest. */
    public static BufferedImage beside(List<BufferedImage> images) {
        int w = images.stream().mapToInt(BufferedImage::getWidth).sum();
        int h = images.stream().mapToInt(BufferedImage::getHeight).max().orElse(1);
        BufferedImage out = new BufferedImage(Math.max(1, w), h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, w, h);
        int x = 0;
        for (BufferedImage i : images) {
            g.drawImage(i, x, 0, null);
            x += i.getWidth();
        }
        g.dispose();
        return out;
    }

    /** Images one above the other, on white, as wide as the widest. */
    public static BufferedImage stack(List<BufferedImage> images) {
        int w = images.stream().mapToInt(BufferedImage::getWidth).max().orElse(1);
        int h = images.stream().mapToInt(BufferedImage::getHeight).sum();
        BufferedImage out = new BufferedImage(w, Math.max(1, h), BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, w, h);
        int y = 0;
        for (BufferedImage i : images) {
            g.drawImage(i, 0, y, null);
            y += i.getHeight();
        }
        g.dispose();
        return out;
    }

    private static void style(org.knowm.xchart.style.AxesChartStyler s) {
        s.setLegendPosition(Styler.LegendPosition.OutsideS);
        s.setLegendLayout(Styler.LegendLayout.Horizontal);
        s.setChartBackgroundColor(Color.WHITE);
        s.setPlotBackgroundColor(Color.WHITE);
        s.setPlotGridLinesColor(new Color(0xdddddd));
    }
}

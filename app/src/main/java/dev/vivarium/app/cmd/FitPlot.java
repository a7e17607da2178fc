package dev.vivarium.app.cmd;

import dev.vivarium.laws.fit.Law;
import dev.vivarium.laws.fit.LawData;
import dev.vivarium.laws.report.FitStudy;
import java.awt.BasicStroke;
import java.awt.Color;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The picture of a fit: the points, the fitted law, and its confidence and prediction bands carried past
 * the data to the furthest extrapolation, on log axes. For L(N, D) the x axis is compute C = 6ND and the law
 * is drawn along its compute-optimal frontier.
 *
 * <p>The y axis is drawn as {@code log10 y} on a linear axis whose tick labels read {@code y}: XChart's own
 * logarithmic axis labels only powers of ten, so a loss between 1.8 and 3 (less than a decade, the usual
 * case) got no labels at all.
 */
public final class FitPlot {
    private static final int STEPS = 80;

    private FitPlot() {}

    static void write(Path png, FitStudy study, double extrapolateTo) throws java.io.IOException {
        write(png, study, extrapolateTo, List.of());
    }

    /**
     * As {@link #write(Path, FitStudy, double)}, with held-out points drawn over the fit: each {@code {x, value,
     * lo, hi}}, the value measured after the forecast {@code [lo, hi]} was registered.
     */
    public static void write(Path png, FitStudy study, double extrapolateTo, List<double[]> heldout)
            throws java.io.IOException {
        LawData data = study.data();
        boolean chinchilla = study.fit().law().name().equals(Law.chinchilla().name());
        List<Double> px = new ArrayList<>();
        List<Double> py = new ArrayList<>();
        for (int i = 0; i < data.size(); i++) {
            double x = Math.exp(data.logX(0, i));
            px.add(chinchilla ? 6 * x * Math.exp(data.logX(1, i)) : x);
            py.add(data.logY(i) / Math.log(10));
        }
        double lo = px.stream().mapToDouble(Double::doubleValue).min().orElseThrow();
        double hi = px.stream().mapToDouble(Double::doubleValue).max().orElseThrow();
        if (Double.isFinite(extrapolateTo) && extrapolateTo > hi) {
            hi = extrapolateTo;
        }
        List<Double> gx = new ArrayList<>();
        List<Double> fit = new ArrayList<>();
        List<Double> bandLo = new ArrayList<>();
        List<Double> bandHi = new ArrayList<>();
        List<Double> predLo = new ArrayList<>();
        List<Double> predHi = new ArrayList<>();
        for (int k = 0; k <= STEPS; k++) {
            double x = lo * Math.pow(hi / lo, k / (double) STEPS);
            FitStudy.Extrapolation e = chinchilla ? study.atCompute(x) : study.at(x);
            gx.add(x);
            fit.add(Math.log10(e.value()));
            bandLo.add(Math.log10(e.band().lo()));
            bandHi.add(Math.log10(e.band().hi()));
            predLo.add(Math.log10(e.prediction().lo()));
            predHi.add(Math.log10(e.prediction().hi()));
        }
        String xName = chinchilla
                ? "compute C = 6ND (FLOPs)"
                : study.fit().law().inputs().get(0);
        XYChart c = new XYChartBuilder()
                .width(900)
                .height(560)
                .title(study.fit().law().name() + " fit")
                .xAxisTitle(xName + " (log)")
                .yAxisTitle(data.yName() + " (log)")
                .build();
        c.getStyler().setChartBackgroundColor(Color.WHITE);
        c.getStyler().setPlotBackgroundColor(Color.WHITE);
        c.getStyler().setPlotGridLinesColor(new Color(0xdddddd));
        c.getStyler().setLegendPosition(Styler.LegendPosition.InsideNE);
        c.getStyler().setXAxisLogarithmic(true);
        c.getStyler().setyAxisTickLabelsFormattingFunction(FitPlot::tenTo);
        XYSeries points = c.addSeries("points", px, py);
        points.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
        points.setMarkerColor(new Color(0x1f77b4));
        line(c, chinchilla ? "law on the compute-optimal frontier" : "law", gx, fit, new Color(0xd62728), false);
        int pct = (int) Math.round(100 * study.level());
        line(c, pct + "% band of the law", gx, bandLo, new Color(0xff7f0e), true);
        line(c, "band upper", gx, bandHi, new Color(0xff7f0e), true).setShowInLegend(false);
        line(c, pct + "% prediction interval", gx, predLo, new Color(0x999999), true);
        line(c, "prediction upper", gx, predHi, new Color(0x999999), true).setShowInLegend(false);
        if (!heldout.isEmpty()) {
            List<Double> hx = heldout.stream().map(h -> h[0]).toList();
            Color green = new Color(0x2ca02c);
            scatter(
                    c,
                    "forecast interval (registered before training)",
                    hx,
                    heldout,
                    2,
                    SeriesMarkers.TRIANGLE_UP,
                    green);
            scatter(c, "forecast upper", hx, heldout, 3, SeriesMarkers.TRIANGLE_DOWN, green)
                    .setShowInLegend(false);
            scatter(c, "held-out runs (measured after)", hx, heldout, 1, SeriesMarkers.DIAMOND, Color.BLACK);
        }
        java.awt.image.BufferedImage img = BitmapEncoder.getBufferedImage(c);
        dev.vivarium.store.io.AtomicFiles.write(png, out -> javax.imageio.ImageIO.write(img, "png", out));
    }

    /** Markers at {@code x} for column {@code col} of the held-out rows, on the log-10 y axis. */
    private static XYSeries scatter(
            XYChart c,
            String name,
            List<Double> x,
            List<double[]> rows,
            int col,
            org.knowm.xchart.style.markers.Marker marker,
            Color color) {
        XYSeries s =
                c.addSeries(name, x, rows.stream().map(h -> Math.log10(h[col])).toList());
        s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
        s.setMarker(marker);
        s.setMarkerColor(color);
        return s;
    }

    private static XYSeries line(XYChart c, String name, List<Double> x, List<Double> y, Color color, boolean dashed) {
        XYSeries s = c.addSeries(name, x, y);
        s.setMarker(SeriesMarkers.NONE);
        s.setLineColor(color);
        if (dashed) {
            s.setLineStyle(
                    new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10, new float[] {6, 4}, 0));
        }
        return s;
    }

    /** The label of a tick at {@code log10 y = v}: y to three significant digits. */
    static String tenTo(Double v) {
        double y = Math.pow(10, v);
        return new java.math.BigDecimal(y)
                .round(new java.math.MathContext(3))
                .stripTrailingZeros()
                .toPlainString();
    }
}

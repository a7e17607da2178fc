package dev.vivarium.app.report;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.vivarium.laws.bootstrap.Estimate;
import dev.vivarium.laws.fit.Law;
import dev.vivarium.laws.fit.LawData;
import dev.vivarium.laws.report.FitStudy;
import dev.vivarium.store.io.AtomicFiles;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A fit as JSON ({@value #FORMAT}), what the dashboard's laws page draws: the law's name and formula, each
 * fitted parameter with its bootstrap interval, the data points (fitted or held out), the law sampled on a log
 * grid from the smallest input to past the data (the extrapolation), with the pointwise 5–95% bootstrap band
 * of the law and the prediction interval of a new observation at the fit's level, and the held-out points'
 * errors against their forecasts. For L(N, D) the x axis is compute C = 6ND and the curve follows the
 * compute-optimal frontier, as {@code FitPlot} draws it. Non-finite numbers are written as {@code null}.
 */
public final class FitJson {
    /** The value of the file's {@code format} field. */
    public static final String FORMAT = "vivarium-fit/1";

    /** The pointwise coverage of the curve's band: from the 5th to the 95th bootstrap percentile. */
    public static final double BAND = 0.90;

    /** Grid points over the data's range, and over the extrapolation beyond it. */
    static final int INSIDE = 80;

    static final int BEYOND = 40;

    private static final JsonFactory JSON = new JsonFactory();

    private FitJson() {}

    /**
     * A held-out point: measured after its forecast was registered.
     *
     * @param id the prediction's id (or a label)
     * @param x the law's input there
     * @param y the value measured
     * @param forecast the law's value forecast there
     * @param lo the forecast interval's lower end
     * @param hi its upper end
     * @param level its coverage
     */
    public record Heldout(String id, double x, double y, double forecast, double lo, double hi, double level) {}

    /** The law as a formula over its input names, e.g. {@code L(N) = A / N^alpha + E}. */
    public static String formula(Law law) {
        StringBuilder b = new StringBuilder(law.name()).append(" = ");
        boolean first = true;
        for (Law.Term t : law.terms()) {
            b.append(first ? "" : " + ");
            first = false;
            if (t.isConstant()) {
                b.append(t.coefficient());
            } else {
                b.append(t.coefficient())
                        .append(" / ")
                        .append(law.inputs().get(t.input()))
                        .append('^')
                        .append(t.exponent());
            }
        }
        return b.toString();
    }

    /**
     * The JSON of {@code study}.
     *
     * @param name what the fit is called (a study's name, a file's stem)
     * @param extrapolateTo the largest x the curve reaches (NaN: the data's largest; for L(N, D) a compute)
     * @param heldout points measured after their forecasts (may be empty)
     * @param about string facts to record as they are (sweeps, metric, command), in order
     */
    public static String of(
            String name, FitStudy study, double extrapolateTo, List<Heldout> heldout, Map<String, String> about) {
        StringWriter w = new StringWriter();
        try (JsonGenerator g = JSON.createGenerator(w)) {
            g.useDefaultPrettyPrinter();
            write(g, name, study, extrapolateTo, heldout, about);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return w.toString() + "\n";
    }

    /** Writes {@link #of} to {@code file} atomically (a reader sees the old file or the new one, whole). */
    public static void write(
            Path file,
            String name,
            FitStudy study,
            double extrapolateTo,
            List<Heldout> heldout,
            Map<String, String> about)
            throws IOException {
        AtomicFiles.writeString(file, of(name, study, extrapolateTo, heldout, about));
    }

    private static boolean chinchilla(FitStudy study) {
        return study.fit().law().name().equals(Law.chinchilla().name());
    }

    /** The points' x: the input, or for L(N, D) the compute 6ND. */
    static double[] pointsX(FitStudy study) {
        LawData data = study.data();
        double[] x = new double[data.size()];
        for (int i = 0; i < x.length; i++) {
            double a = Math.exp(data.logX(0, i));
            x[i] = chinchilla(study) ? 6 * a * Math.exp(data.logX(1, i)) : a;
        }
        return x;
    }

    /** The grid: {@link #INSIDE} log-spaced points over [lo, dataMax], then {@link #BEYOND} up to {@code hi}. */
    static double[] grid(double lo, double dataMax, double hi) {
        List<Double> g = new ArrayList<>();
        for (int k = 0; k <= INSIDE; k++) {
            g.add(k == INSIDE ? dataMax : lo * Math.pow(dataMax / lo, k / (double) INSIDE));
        }
        if (hi > dataMax) {
            for (int k = 1; k <= BEYOND; k++) {
                g.add(k == BEYOND ? hi : dataMax * Math.pow(hi / dataMax, k / (double) BEYOND));
            }
        }
        return g.stream().mapToDouble(Double::doubleValue).toArray();
    }

    private static void write(
            JsonGenerator g,
            String name,
            FitStudy study,
            double extrapolateTo,
            List<Heldout> heldout,
            Map<String, String> about)
            throws IOException {
        Law law = study.fit().law();
        boolean chin = chinchilla(study);
        double[] px = pointsX(study);
        double lo = Double.POSITIVE_INFINITY;
        double dataMax = Double.NEGATIVE_INFINITY;
        for (double x : px) {
            lo = Math.min(lo, x);
            dataMax = Math.max(dataMax, x);
        }
        double hi = dataMax;
        for (Heldout h : heldout) {
            lo = Math.min(lo, h.x());
            hi = Math.max(hi, h.x());
        }
        if (Double.isFinite(extrapolateTo) && extrapolateTo > hi) {
            hi = extrapolateTo;
        }
        if (!(lo > 0) || lo == dataMax) {
            lo = dataMax / 10; // one point, or a zero input: a decade below, so the log grid has a span
        }

        g.writeStartObject();
        g.writeStringField("format", FORMAT);
        g.writeStringField("name", name);
        g.writeStringField("law", law.name());
        g.writeStringField("formula", formula(law));
        g.writeArrayFieldStart("inputs");
        for (String i : law.inputs()) {
            g.writeString(i);
        }
        g.writeEndArray();
        g.writeStringField("x", chin ? "compute C = 6ND (FLOPs)" : law.inputs().get(0));
        g.writeStringField("y", study.data().yName());
        if (chin) {
            g.writeStringField("curveAlong", "the compute-optimal frontier N_opt(C), D_opt(C)");
        }
        g.writeObjectFieldStart("about");
        for (Map.Entry<String, String> e : about.entrySet()) {
            g.writeStringField(e.getKey(), e.getValue());
        }
        g.writeEndObject();
        number(g, "level", study.level());
        g.writeNumberField("points", study.fit().points());
        number(g, "objective", study.fit().objective());
        g.writeStringField("status", String.valueOf(study.fit().status()));
        g.writeNumberField("resamples", study.uncertainty().resamples());
        g.writeNumberField("failedResamples", study.uncertainty().failed());
        g.writeArrayFieldStart("warnings");
        for (String s : study.warnings()) {
            g.writeString(s);
        }
        g.writeEndArray();

        g.writeArrayFieldStart("parameters");
        for (Estimate e : study.uncertainty().estimates(study.level())) {
            g.writeStartObject();
            g.writeStringField("name", e.name());
            number(g, "value", e.value());
            number(g, "se", e.se());
            number(g, "lo", e.interval().lo());
            number(g, "hi", e.interval().hi());
            number(g, "level", e.interval().level());
            g.writeEndObject();
        }
        g.writeEndArray();

        g.writeArrayFieldStart("data");
        for (int i = 0; i < px.length; i++) {
            g.writeStartObject();
            number(g, "x", px[i]);
            number(g, "y", Math.exp(study.data().logY(i)));
            g.writeStringField("set", "fit");
            if (chin) {
                number(g, "N", Math.exp(study.data().logX(0, i)));
                number(g, "D", Math.exp(study.data().logX(1, i)));
            }
            g.writeEndObject();
        }
        for (Heldout h : heldout) {
            g.writeStartObject();
            number(g, "x", h.x());
            number(g, "y", h.y());
            g.writeStringField("set", "heldout");
            g.writeStringField("id", h.id());
            number(g, "forecast", h.forecast());
            number(g, "lo", h.lo());
            number(g, "hi", h.hi());
            number(g, "level", h.level());
            number(g, "error", h.y() - h.forecast());
            number(g, "logError", Math.log(h.y() / h.forecast()));
            g.writeBooleanField("inside", h.lo() <= h.y() && h.y() <= h.hi());
            g.writeEndObject();
        }
        g.writeEndArray();

        g.writeArrayFieldStart("dataRange");
        number(g, null, lo);
        number(g, null, dataMax);
        g.writeEndArray();
        if (hi > dataMax) {
            g.writeArrayFieldStart("extrapolation");
            number(g, null, dataMax);
            number(g, null, hi);
            g.writeEndArray();
        } else {
            g.writeNullField("extrapolation");
        }

        double[] gx = grid(lo, dataMax, hi);
        int n = gx.length;
        double[] fit = new double[n];
        double[] bLo = new double[n];
        double[] bHi = new double[n];
        double[] pLo = new double[n];
        double[] pHi = new double[n];
        for (int k = 0; k < n; k++) {
            FitStudy.Extrapolation e = chin ? study.atCompute(gx[k]) : study.at(gx[k]);
            fit[k] = e.value();
            double[] at = e.x();
            var band = study.uncertainty().confidenceBand(BAND, at);
            bLo[k] = band.lo();
            bHi[k] = band.hi();
            pLo[k] = e.prediction().lo();
            pHi[k] = e.prediction().hi();
        }
        g.writeObjectFieldStart("curve");
        array(g, "x", gx);
        array(g, "y", fit);
        number(g, "bandLevel", BAND);
        array(g, "bandLo", bLo);
        array(g, "bandHi", bHi);
        number(g, "predictionLevel", study.level());
        array(g, "predictionLo", pLo);
        array(g, "predictionHi", pHi);
        g.writeEndObject();

        if (!heldout.isEmpty()) {
            double abs = 0;
            double sq = 0;
            int inside = 0;
            for (Heldout h : heldout) {
                double le = Math.log(h.y() / h.forecast());
                abs += Math.abs(le);
                sq += le * le;
                inside += h.lo() <= h.y() && h.y() <= h.hi() ? 1 : 0;
            }
            g.writeObjectFieldStart("heldout");
            g.writeNumberField("count", heldout.size());
            g.writeNumberField("inside", inside);
            number(g, "meanAbsLogError", abs / heldout.size());
            number(g, "rmsLogError", Math.sqrt(sq / heldout.size()));
            g.writeEndObject();
        }
        g.writeEndObject();
    }

    private static void array(JsonGenerator g, String name, double[] v) throws IOException {
        g.writeArrayFieldStart(name);
        for (double d : v) {
            number(g, null, d);
        }
        g.writeEndArray();
    }

    private static void number(JsonGenerator g, String name, double v) throws IOException {
        if (name != null) {
            g.writeFieldName(name);
        }
        if (Double.isFinite(v)) {
            g.writeNumber(v);
        } else {
            g.writeNull();
        }
    }
}

package dev.vivarium.lens.run;

import dev.vivarium.lens.spectra.MatrixSpectrum;
import dev.vivarium.lens.spectra.PowerLawFit;
import dev.vivarium.lens.spectra.WeightSpectra;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.knowm.xchart.XYChart;

/**
 * The {@code spectra} analysis: for each weight matrix the eigenvalues of {@code W^T W}, the power-law fit
 * of their tail with its bootstrap goodness of fit, and the flags that say when alpha should not be read.
 * Its picture: each matrix's eigenvalue distribution (complementary CDF, log-log) with the fitted tail.
 */
final class SpectraAnalysis {
    /** Synthetic data sets of the goodness-of-fit bootstrap (p to within about +-0.016 at p = 0.5). */
    static final int BOOTSTRAP_SETS = 1000;
    /** Below this p the power law is ruled out (Clauset, Shalizi and Newman). */
    static final double MIN_P = 0.1;
    /** A tail holding more than this share of the eigenvalues is flagged: the "tail" is the spectrum. */
    static final double MAX_TAIL_FRACTION = 0.5;

    private SpectraAnalysis() {}

    static Output run(LensRun run, long step) throws IOException {
        List<Map<String, Object>> rows = new ArrayList<>();
        List<BufferedImage> charts = new ArrayList<>();
        List<String> flagged = new ArrayList<>();
        for (MatrixSpectrum s : WeightSpectra.of(run.model())) {
            PowerLawFit.Result fit = s.fit();
            double p = PowerLawFit.pValue(s.eigenvalues(), fit, BOOTSTRAP_SETS, 0);
            List<String> flags = new ArrayList<>();
            if (fit.tail() == 0) {
                flags.add("no fit: fewer than " + PowerLawFit.MIN_TAIL + " positive eigenvalues");
            } else {
                if (fit.tailFraction() > MAX_TAIL_FRACTION) {
                    flags.add(String.format(
                            Locale.ROOT, "tail is most of the spectrum (%d of %d eigenvalues)", fit.tail(), fit.n()));
                }
                if (p < MIN_P) {
                    flags.add(String.format(Locale.ROOT, "power law ruled out (p = %.3f < %s)", p, MIN_P));
                }
            }
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("name", s.name());
            r.put("shape", List.of(s.rows(), s.cols()));
            r.put("alpha", fit.alpha());
            r.put("alpha_sigma", fit.sigma());
            r.put("xmin", fit.xmin());
            r.put("ks_distance", fit.ks());
            r.put("tail", fit.tail());
            r.put("eigenvalues_fitted", fit.n());
            r.put("tail_fraction", fit.tailFraction());
            r.put("goodness_of_fit_p", p);
            r.put("flags", flags);
            r.put("alpha_weighted", s.alphaWeighted());
            r.put("stable_rank", s.stableRank());
            r.put("effective_rank", s.effectiveRank());
            r.put("spectral_norm", s.spectralNorm());
            r.put("eigenvalues", s.eigenvalues());
            rows.add(r);
            if (!flags.isEmpty()) {
                flagged.add(s.name());
            }
            charts.add(chart(run.dir().id() + " step " + step + ": " + s.name(), s, fit, p));
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put(
                "fit",
                "continuous power law by maximum likelihood, xmin by the smallest KS distance (Clauset,"
                        + " Shalizi and Newman 2009)");
        out.put("ks_convention", PowerLawFit.KS_CONVENTION);
        out.put(
                "goodness_of_fit",
                "semi-parametric bootstrap p-value, " + BOOTSTRAP_SETS + " synthetic sets, seed 0 (CSN 2009 sec. 4.1)");
        out.put("flag_rules", "p < " + MIN_P + "; tail holding more than " + MAX_TAIL_FRACTION + " of the eigenvalues");
        out.put("matrices", rows);
        StringBuilder summary = new StringBuilder("alpha:");
        for (Map<String, Object> r : rows) {
            summary.append(String.format(
                    Locale.ROOT,
                    " %s %.2f (p %.2f, tail %s)",
                    r.get("name"),
                    (Double) r.get("alpha"),
                    (Double) r.get("goodness_of_fit_p"),
                    r.get("tail")));
        }
        summary.append(flagged.isEmpty() ? "; no fit flagged" : "; flagged: " + String.join(", ", flagged));
        return new Output(out, summary.toString(), Optional.of(Pictures.stack(charts)));
    }

    private static BufferedImage chart(String title, MatrixSpectrum s, PowerLawFit.Result fit, double p) {
        double[] ev = s.eigenvalues(); // descending
        double[] x = new double[ev.length];
        double[] ccdf = new double[ev.length];
        for (int i = 0; i < ev.length; i++) {
            x[i] = ev[i];
            ccdf[i] = (i + 1.0) / ev.length; // share of eigenvalues >= ev[i]
        }
        XYChart c = Pictures.lines(
                title, "eigenvalue of W^T W (log)", "share of eigenvalues >= x (log)", true, true, 900, 300);
        Pictures.dots(c, "eigenvalues", x, ccdf, Pictures.BLUE);
        if (fit.tail() > 0) {
            double lo = fit.xmin();
            double hi = ev[0];
            int k = 50;
            double[] fx = new double[k];
            double[] fy = new double[k];
            for (int i = 0; i < k; i++) {
                fx[i] = lo * Math.pow(hi / lo, i / (k - 1.0));
                fy[i] = fit.tailFraction() * Math.pow(fx[i] / lo, 1 - fit.alpha());
            }
            Pictures.line(
                    c,
                    String.format(
                            Locale.ROOT,
                            "power law alpha %.2f from xmin %.3g (tail %d of %d, p %.2f)",
                            fit.alpha(),
                            fit.xmin(),
                            fit.tail(),
                            fit.n(),
                            p),
                    fx,
                    fy,
                    Pictures.RED,
                    false);
        }
        return Pictures.image(c);
    }
}

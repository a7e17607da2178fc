package dev.vivarium.laws.report;

import dev.vivarium.laws.bootstrap.Bootstrap;
import dev.vivarium.laws.bootstrap.Consistency;
import dev.vivarium.laws.bootstrap.Estimate;
import dev.vivarium.laws.bootstrap.Interval;
import dev.vivarium.laws.bootstrap.LawUncertainty;
import dev.vivarium.laws.fit.ComputeOptimal;
import dev.vivarium.laws.fit.Identifiability;
import dev.vivarium.laws.fit.Law;
import dev.vivarium.laws.fit.LawData;
import dev.vivarium.laws.fit.LawFit;
import dev.vivarium.laws.fit.LawFitter;
import dev.vivarium.laws.fit.ResidualLoss;
import dev.vivarium.laws.fit.StartGrid;
import dev.vivarium.laws.table.CsvTable;
import dev.vivarium.numeric.optim.Lbfgs;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.IntStream;

/**
 * A law fitted to points with bootstrap uncertainty, and its predictions at new inputs with confidence and
 * prediction intervals. For {@link Law#chinchilla()} it also gives the compute-optimal allocation.
 *
 * @param data the points fitted
 * @param fit the fit
 * @param uncertainty its bootstrap
 * @param level the intervals' coverage
 */
public record FitStudy(LawData data, LawFit fit, LawUncertainty uncertainty, double level) {

    /**
     * One extrapolation.
     *
     * @param x the inputs
     * @param value the law's value there
     * @param band the confidence interval of the law's value
     * @param prediction the prediction interval of a new observation
     */
    public record Extrapolation(double[] x, double value, Interval band, Interval prediction) {}

    /** The law by name: {@code chinchilla} (L(N,D)), {@code saturating} (E + A/x^alpha), {@code power} (A/x^alpha). */
    public static Law law(String name, String input) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "chinchilla" -> Law.chinchilla();
            case "saturating" -> Law.saturating(input);
            case "power" -> Law.power(input);
            default -> throw new IllegalArgumentException(
                    "law = '" + name + "': must be chinchilla, saturating or power");
        };
    }

    /**
     * Reads points from a table. For {@code chinchilla} the x columns are N and then D, or N and C (with
     * {@code computeColumn}, D = C / 6N); {@code keepLowest > 0} keeps only that many lowest-y rows.
     */
    public static LawData fromTable(
            CsvTable table, Law law, List<String> xColumns, String yColumn, boolean computeColumn, int keepLowest) {
        if (xColumns.size() != law.inputs().size()) {
            throw new IllegalArgumentException("law " + law.name() + " takes "
                    + law.inputs().size() + " input column(s) " + law.inputs() + ", got " + xColumns);
        }
        double[] y = table.column(yColumn);
        double[][] cols = xColumns.stream().map(table::column).toArray(double[][]::new);
        if (computeColumn) {
            if (cols.length != 2) {
                throw new IllegalArgumentException("a compute column needs the chinchilla law (N and C)");
            }
            for (int i = 0; i < y.length; i++) {
                cols[1][i] = cols[1][i] / (6 * cols[0][i]);
            }
        }
        int[] rows = IntStream.range(0, y.length).toArray();
        if (keepLowest > 0 && keepLowest < y.length) {
            rows = IntStream.range(0, y.length)
                    .boxed()
                    .sorted(Comparator.comparingDouble(i -> y[i]))
                    .limit(keepLowest)
                    .mapToInt(Integer::intValue)
                    .toArray();
        }
        double[][] x = Arrays.stream(rows)
                .mapToObj(i -> Arrays.stream(cols).mapToDouble(c -> c[i]).toArray())
                .toArray(double[][]::new);
        return LawData.of(
                law.inputs(), x, Arrays.stream(rows).mapToDouble(i -> y[i]).toArray(), yColumn);
    }

    /**
     * Fits {@code law} with a Huber loss of threshold {@code delta} (infinite for least squares) and
     * bootstraps it. Chinchilla starts from Hoffmann et al.'s grid, other laws from a grid centred on the data.
     */
    public static FitStudy run(Law law, LawData data, double delta, int resamples, long seed, double level) {
        Identifiability.require(law, data);
        LawFitter fitter = new LawFitter(new ResidualLoss(delta), Lbfgs.DEFAULT, 100);
        StartGrid grid =
                law.name().equals(Law.chinchilla().name()) ? StartGrid.hoffmann(law) : StartGrid.centred(law, data);
        LawFit fit = fitter.fit(law, data, grid);
        LawUncertainty u = LawUncertainty.of(fitter, data, fit, Bootstrap.of(resamples, seed));
        return new FitStudy(data, fit, u, level);
    }

    /** The prediction at {@code x} with its intervals. */
    public Extrapolation at(double... x) {
        return new Extrapolation(
                x.clone(),
                fit.predict(x),
                uncertainty.confidenceBand(level, x),
                uncertainty.predictionInterval(level, x));
    }

    /** For a Chinchilla law: N_opt and D_opt at compute {@code c}, and the extrapolation there. */
    public Extrapolation atCompute(double c) {
        ComputeOptimal opt = ComputeOptimal.of(fit);
        return at(opt.nOpt(c), opt.dOpt(c));
    }

    /** Whether the fit is consistent with published parameter values, as plain text. */
    public String consistency(java.util.Map<String, Double> published) {
        Consistency c = Consistency.test(uncertainty, published, level);
        StringBuilder s = new StringBuilder();
        for (Consistency.Check k : c.checks()) {
            s.append(String.format(
                    Locale.ROOT,
                    "%-8s fitted %.6g, published %.6g: z = %+.2f%n",
                    k.name(),
                    k.fitted(),
                    k.published(),
                    k.z()));
        }
        s.append(String.format(
                Locale.ROOT,
                "joint Wald chi2(%d) = %.3f, p = %.4g: %s at %.0f%%%n",
                c.checks().size(),
                c.wald(),
                c.pValue(),
                c.consistent() ? "consistent" : "NOT consistent",
                100 * level));
        return s.toString();
    }

    /**
     * Exponents of the wrong sign: a scaling law's {@code A / x^alpha} falls as {@code x} grows only when
     * {@code alpha > 0}; a negative one means the observed quantity grows with the input (often: the column is
     * not the quantity the law expects, such as compute given as tokens).
     */
    public List<String> warnings() {
        List<String> out = new ArrayList<>();
        Law law = fit.law();
        for (Law.Term t : law.terms()) {
            if (!t.isConstant() && fit.value(t.exponent()) < 0) {
                out.add(String.format(
                        Locale.ROOT,
                        "%s = %.4g < 0: the fit has %s growing with %s; a scaling law's exponent is > 0, so check"
                                + " that the input is the quantity the law expects",
                        t.exponent(),
                        fit.value(t.exponent()),
                        data.yName(),
                        data.inputs().get(t.input())));
            }
        }
        return out;
    }

    /** A plain-text report: parameters with SEs and intervals, and the extrapolations asked for. */
    public String summary(List<Extrapolation> extrapolations) {
        StringBuilder s = new StringBuilder();
        Law law = fit.law();
        s.append(String.format(
                Locale.ROOT,
                "%s fitted to %d points (objective %.6g); %d bootstrap refits%s%n",
                law.name(),
                fit.points(),
                fit.objective(),
                uncertainty.resamples(),
                uncertainty.failed() > 0 ? " (" + uncertainty.failed() + " failed)" : ""));
        s.append("L-BFGS stopped with ")
                .append(fit.status())
                .append(": ")
                .append(fit.status().explanation())
                .append('\n');
        warnings().forEach(w -> s.append("warning: ").append(w).append('\n'));
        s.append(String.format(Locale.ROOT, "%-8s %14s %12s   %.0f%% interval%n", "param", "value", "SE", 100 * level));
        for (Estimate e : uncertainty.estimates(level)) {
            s.append(String.format(
                    Locale.ROOT,
                    "%-8s %14.6g %12.4g   [%.6g, %.6g]%n",
                    e.name(),
                    e.value(),
                    e.se(),
                    e.interval().lo(),
                    e.interval().hi()));
        }
        if (law.name().equals(Law.chinchilla().name())) {
            Estimate a = uncertainty.derived("a", p -> p[4] / (p[3] + p[4]), level);
            s.append(String.format(
                    Locale.ROOT,
                    "compute-optimal: N_opt ~ C^a, D_opt ~ C^(1-a), a = beta/(alpha+beta) = " + "%.4f (SE %.4f)%n",
                    a.value(),
                    a.se()));
        }
        List<String> inputs = new ArrayList<>(law.inputs());
        for (Extrapolation e : extrapolations) {
            StringBuilder at = new StringBuilder();
            for (int j = 0; j < inputs.size(); j++) {
                at.append(j > 0 ? ", " : "")
                        .append(inputs.get(j))
                        .append(" = ")
                        .append(String.format(Locale.ROOT, "%.4g", e.x()[j]));
            }
            s.append(String.format(
                    Locale.ROOT,
                    "at %s: %.5g (law [%.5g, %.5g], new observation [%.5g, %.5g])%n",
                    at,
                    e.value(),
                    e.band().lo(),
                    e.band().hi(),
                    e.prediction().lo(),
                    e.prediction().hi()));
        }
        return s.toString();
    }
}

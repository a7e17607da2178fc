package dev.vivarium.app.cmd;

import dev.vivarium.laws.fit.Law;
import dev.vivarium.laws.fit.LawData;
import dev.vivarium.laws.report.FitStudy;
import dev.vivarium.laws.runs.RunPoints;
import dev.vivarium.laws.runs.StoreRunSource;
import dev.vivarium.laws.table.CsvTable;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code vivarium fit}: a scaling law fitted to a table of points or to runs, with intervals and a plot. */
@Command(
        name = "fit",
        mixinStandardHelpOptions = true,
        description = "Fit a scaling law (Huber loss in log space, L-BFGS from a grid) with bootstrap intervals.")
public final class FitCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(
            names = "--law",
            defaultValue = "saturating",
            description = "chinchilla (E + A/N^alpha + B/D^beta, inputs --n with --d or --compute), "
                    + "saturating (E + A/x^alpha) or power (A/x^alpha), input --x. Default: ${DEFAULT-VALUE}.")
    String law;

    @Option(names = "--table", paramLabel = "CSV", description = "A table of points with a header row.")
    Path table;

    @Option(
            names = "--x",
            paramLabel = "COL",
            description = "The input of a one-input law: a table column, or with --runs a run quantity (config key,"
                    + " logged count, or flops).")
    String x;

    @Option(
            names = "--y",
            paramLabel = "COL",
            defaultValue = "loss",
            description = "Observed column. Default: ${DEFAULT-VALUE}.")
    String y;

    @Option(names = "--n", paramLabel = "COL", description = "chinchilla: the column of parameters N.")
    String nColumn;

    @Option(names = "--d", paramLabel = "COL", description = "chinchilla: the column of training tokens D.")
    String dColumn;

    @Option(
            names = "--compute",
            paramLabel = "COL",
            description = "chinchilla, instead of --d: the column of training compute C in FLOP; D = C / (6 N).")
    String computeColumn;

    @Option(
            names = "--keep-lowest",
            paramLabel = "K",
            defaultValue = "0",
            description = "Keep only the K lowest-y rows.")
    int keepLowest;

    @picocli.CommandLine.Mixin
    RunsRoot runs; // without --table: fit across the finished runs there

    @Option(
            names = "--sweep",
            paramLabel = "SWEEP_DIR",
            description = "Fit across a sweep's points (its runs/ folder), e.g. --sweep sweeps/teacher-scaling --x"
                    + " parameters --metric test_loss.")
    Path sweep;

    @Option(names = "--recipe", description = "With --runs: only runs of this recipe.")
    String recipe;

    @Option(names = "--where", paramLabel = "KEY=VALUE", description = "With --runs: config values the runs must have.")
    Map<String, String> where = Map.of();

    @Option(
            names = "--metric",
            defaultValue = "test_loss",
            description = "With --runs: the metric. Default: ${DEFAULT-VALUE}.")
    String metric;

    @Option(
            names = "--reduce",
            defaultValue = "final",
            description = "With --runs: final, min or max. Default: ${DEFAULT-VALUE}.")
    String reduce;

    @Option(
            names = "--huber",
            defaultValue = "1e-3",
            description = "Huber delta; Infinity for least squares. Default: ${DEFAULT-VALUE}.")
    double huber;

    @Option(
            names = "--bootstrap",
            defaultValue = "1000",
            description = "Bootstrap resamples. Default: ${DEFAULT-VALUE}.")
    int resamples;

    @Option(names = "--seed", defaultValue = "0", description = "Bootstrap seed. Default: ${DEFAULT-VALUE}.")
    long seed;

    @Option(names = "--level", defaultValue = "0.95", description = "Interval coverage. Default: ${DEFAULT-VALUE}.")
    double level;

    @Option(
            names = "--at",
            paramLabel = "X",
            description = "Extrapolate to this input (1-input laws) or compute C (chinchilla).")
    List<Double> at = new ArrayList<>();

    @Option(names = "--plot", paramLabel = "PNG", description = "Write a plot with the extrapolation band.")
    Path plot;

    @Option(
            names = "--json",
            paramLabel = "FILE",
            description = "Write the fit as JSON (law, formula, parameters with intervals, points, the curve on a log"
                    + " grid with its 5-95% bootstrap band and prediction interval, the extrapolation to the"
                    + " furthest --at), the file the dashboard's laws page draws; e.g. SWEEP_DIR/fits/NAME.json.")
    Path json;

    @Option(
            names = "--published",
            paramLabel = "NAME=VALUE",
            description =
                    "Test the fit against published values, " + "e.g. --published E=1.817 --published alpha=0.348.")
    Map<String, Double> published = new java.util.LinkedHashMap<>();

    @Override
    public Integer call() throws Exception {
        if (plot != null) {
            OutPath.file("--plot", plot);
        }
        if (json != null) {
            Path parent = json.toAbsolutePath().getParent();
            if (parent != null && !java.nio.file.Files.exists(parent)) {
                java.nio.file.Files.createDirectories(parent); // SWEEP_DIR/fits/ the first time
            }
            OutPath.file("--json", json);
        }
        boolean chinchilla = law.equalsIgnoreCase("chinchilla");
        List<String> columns = inputs(chinchilla);
        String input = columns.isEmpty() ? "x" : columns.get(0);
        Law l = FitStudy.law(law, input);
        LawData data;
        if (table != null) {
            data = FitStudy.fromTable(CsvTable.read(table), l, columns, y, computeColumn != null, keepLowest);
            if (chinchilla) {
                spec.commandLine()
                        .getOut()
                        .printf(
                                "inputs: N = column '%s', D = %s%n",
                                nColumn,
                                computeColumn != null
                                        ? "column '" + computeColumn + "' / (6 N) (compute C = 6 N D)"
                                        : "column '" + dColumn + "'");
            }
        } else if (runs.chosen() || sweep != null) {
            if (chinchilla) {
                throw new IllegalArgumentException("--law chinchilla reads a --table; with --runs fit a one-input law"
                        + " (saturating or power) against --x");
            }
            Path dir = sweep != null ? sweep.resolve("runs") : runs.dir();
            if (sweep != null && !java.nio.file.Files.isDirectory(dir)) {
                throw new IllegalArgumentException(
                        "--sweep " + sweep + ": no runs/ folder; is it a sweep folder (made by vivarium sweep SPEC)?");
            }
            RunPoints p = RunPoints.collect(
                    new StoreRunSource(dir), recipe, where, input, metric, RunPoints.reduction(reduce));
            p.broken()
                    .forEach(b ->
                            spec.commandLine().getErr().println("warning: skipped run " + b.id() + ": " + b.reason()));
            spec.commandLine().getErr().flush();
            data = LawData.of(input, p.x(), p.y(), metric);
        } else {
            throw new IllegalArgumentException("give --table CSV, --runs DIR or --sweep SWEEP_DIR");
        }
        FitStudy study = FitStudy.run(l, data, huber, resamples, seed, level);
        List<FitStudy.Extrapolation> ex = new ArrayList<>();
        for (double a : at) {
            ex.add(chinchilla ? study.atCompute(a) : study.at(a));
        }
        spec.commandLine().getOut().print(study.summary(ex));
        if (!published.isEmpty()) {
            spec.commandLine().getOut().print(study.consistency(published));
        }
        if (plot != null) {
            FitPlot.write(
                    plot,
                    study,
                    at.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN));
            spec.commandLine().getOut().println("plot: " + plot);
        }
        if (json != null) {
            java.util.Map<String, String> about = new java.util.LinkedHashMap<>();
            about.put(
                    "source",
                    table != null ? "table " + table : sweep != null ? "sweep " + sweep : "runs " + runs.dir());
            if (sweep != null) {
                about.put(
                        "sweep",
                        sweep.toAbsolutePath().normalize().getFileName().toString());
            }
            about.put("huber", String.valueOf(huber));
            about.put("seed", String.valueOf(seed));
            String stem = json.getFileName().toString().replaceFirst("\\.json$", "");
            dev.vivarium.app.report.FitJson.write(
                    json,
                    stem,
                    study,
                    at.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN),
                    List.of(),
                    about);
            spec.commandLine().getOut().println("json: " + json);
        }
        spec.commandLine().getOut().flush();
        return 0;
    }

    /** The input columns: chinchilla's N and D (or C), explicitly; a one-input law's --x. */
    private List<String> inputs(boolean chinchilla) {
        if (chinchilla) {
            if (x != null) {
                throw new IllegalArgumentException("--law chinchilla takes its inputs as --n COL with --d COL (tokens)"
                        + " or --compute COL (FLOP, D = C / 6N), not --x '" + x + "'");
            }
            if (nColumn == null || (dColumn == null) == (computeColumn == null)) {
                throw new IllegalArgumentException("--law chinchilla needs --n COL (parameters) and exactly one of"
                        + " --d COL (tokens) or --compute COL (FLOP, D = C / 6N); got --n " + given(nColumn)
                        + ", --d " + given(dColumn) + ", --compute " + given(computeColumn));
            }
            return List.of(nColumn, dColumn != null ? dColumn : computeColumn);
        }
        if (nColumn != null || dColumn != null || computeColumn != null) {
            throw new IllegalArgumentException("--n, --d and --compute are the inputs of --law chinchilla; --law " + law
                    + " takes one input, --x COL");
        }
        return x == null ? List.of() : List.of(x);
    }

    private static String given(String column) {
        return column == null ? "(none)" : "'" + column + "'";
    }
}

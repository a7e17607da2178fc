package dev.vivarium.app.cmd;

import dev.vivarium.app.report.FitJson;
import dev.vivarium.app.study.Study;
import dev.vivarium.app.study.StudySpec;
import dev.vivarium.laws.predict.PredictionRegistry;
import dev.vivarium.store.io.AtomicFiles;
import dev.vivarium.sweep.LocalExecutor;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code vivarium study FILE}: fit a law on one sweep, register forecasts for a second sweep before it exists,
 * train it, and score the forecasts; a summary, a plot and the prediction ledger in {@code SWEEPS/studies/<study name>/}.
 */
@Command(
        name = "study",
        mixinStandardHelpOptions = true,
        description = "Close the loop: train the study's fit sweep, fit its law, register a forecast (the fit's"
                + " bootstrap prediction interval) for each held-out configuration before any of its runs exist,"
                + " train the held-out sweep, resolve and score the forecasts (interval score, log score). Writes"
                + " SWEEPS/studies/<study>/study.txt, study.png and fit.json (the fit, for the dashboard's laws page) beside the ledger. Run again, it reuses completed points and registered"
                + " predictions.")
public final class StudyCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(
            index = "0",
            paramLabel = "FILE",
            description = "Study YAML file, e.g. recipes/studies/teacher-scaling.yaml.")
    Path file;

    @picocli.CommandLine.Mixin
    SweepsRoot sweeps;

    @Option(
            names = "--registry",
            paramLabel = "DIR",
            description = "Directory holding the prediction ledger (default: SWEEPS/studies/<study name>).")
    Path registry;

    @Option(
            names = "--parallel",
            paramLabel = "N",
            description = "Points trained at once (default: cores / the recipes' threads).")
    int parallel;

    @picocli.CommandLine.Mixin
    NoBatch noBatch;

    @Override
    public Integer call() throws Exception {
        StudySpec s = StudySpec.read(file);
        Path root = sweeps.dir();
        Path dir = root.resolve("studies").resolve(s.name()); // apart from the sweep folders
        Files.createDirectories(dir);
        PredictionRegistry reg = new PredictionRegistry(registry != null ? registry : dir);
        Study.Result r =
                Study.run(s, root, reg, SweepCommand.options(parallel, noBatch), SweepCommand::listeners, System.err);
        String text = summary(r, reg);
        PrintWriter out = spec.commandLine().getOut();
        out.print(text);
        AtomicFiles.writeString(dir.resolve("study.txt"), text);
        List<double[]> held = new ArrayList<>();
        double maxX = Double.NaN;
        for (Study.Heldout h : r.heldout()) {
            var range =
                    (dev.vivarium.laws.predict.Forecast.Range) h.prediction().forecast();
            held.add(new double[] {h.x(), h.score().resolution().value(), range.lo(), range.hi()});
            maxX = Double.isNaN(maxX) ? h.x() : Math.max(maxX, h.x());
        }
        FitPlot.write(dir.resolve("study.png"), r.fit(), maxX, held);
        FitJson.write(dir.resolve(FIT_JSON), s.name(), r.fit(), maxX, heldout(r), about(s, root));
        out.println("wrote " + dir.resolve("study.txt") + ", " + dir.resolve("study.png") + " and "
                + dir.resolve(FIT_JSON));
        out.flush();
        return 0;
    }

    /** The study's fit as JSON ({@link FitJson}), beside study.txt: what the dashboard's laws page draws. */
    public static final String FIT_JSON = "fit.json";

    /** The held-out points as the fit's JSON records them: measured value, forecast and its interval. */
    static List<FitJson.Heldout> heldout(Study.Result r) {
        List<FitJson.Heldout> out = new ArrayList<>();
        for (Study.Heldout h : r.heldout()) {
            var range =
                    (dev.vivarium.laws.predict.Forecast.Range) h.prediction().forecast();
            out.add(new FitJson.Heldout(
                    h.prediction().id(),
                    h.x(),
                    h.score().resolution().value(),
                    h.forecast(),
                    range.lo(),
                    range.hi(),
                    range.confidence()));
        }
        return out;
    }

    private static Map<String, String> about(StudySpec s, Path root) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("study", s.name());
        m.put("description", s.description().strip());
        m.put(
                "fitSweep",
                LocalExecutor.sweepDir(s.fitSweep(), root).getFileName().toString());
        m.put(
                "heldoutSweep",
                LocalExecutor.sweepDir(s.heldoutSweep(), root).getFileName().toString());
        m.put("metric", s.metric());
        m.put("reduce", s.reduce());
        m.put("ledger", PredictionRegistry.LEDGER);
        return m;
    }

    static String summary(Study.Result r, PredictionRegistry reg) {
        StringBuilder b = new StringBuilder();
        StudySpec s = r.spec();
        b.append("study ")
                .append(s.name())
                .append(": ")
                .append(s.description().strip())
                .append('\n');
        b.append(r.fit().summary(List.of()));
        r.theory()
                .ifPresent(e -> b.append(String.format(
                        Locale.ROOT,
                        "theory: %s = %.4g (%s); fitted %.4g, %.0f%% CI [%.4g, %.4g]: the theory's value is %s the interval%n",
                        s.theoryParameter(),
                        s.theoryValue(),
                        s.theorySays(),
                        e.value(),
                        100 * e.interval().level(),
                        e.interval().lo(),
                        e.interval().hi(),
                        e.interval().lo() <= s.theoryValue()
                                        && s.theoryValue() <= e.interval().hi()
                                ? "inside"
                                : "outside")));
        b.append(String.format(
                Locale.ROOT,
                "held-out forecasts (registered before their runs started; ledger %s):%n",
                reg.ledgerFile()));
        int hits = 0;
        for (Study.Heldout h : r.heldout()) {
            var range =
                    (dev.vivarium.laws.predict.Forecast.Range) h.prediction().forecast();
            double v = h.score().resolution().value();
            hits += h.score().hit() ? 1 : 0;
            b.append(String.format(
                    Locale.ROOT,
                    "  %s %s (%s %.0f): forecast %.4g, %.0f%% interval [%.4g, %.4g]; measured %.4g (%d runs, %s):"
                            + " %s; interval score %.4g, log score %.4g%n",
                    h.prediction().id().substring(0, 12),
                    h.target().config(),
                    s.x(),
                    h.x(),
                    h.forecast(),
                    100 * range.confidence(),
                    range.lo(),
                    range.hi(),
                    v,
                    h.score().resolution().runs().size(),
                    h.score().resolution().preRegistered() ? "pre-registered" : "NOT pre-registered",
                    h.score().hit() ? "inside" : "OUTSIDE",
                    h.score().interval(),
                    h.logScore()));
        }
        b.append(String.format(
                Locale.ROOT,
                "%d of %d held-out values fell inside their forecast intervals%n"
                        + "interval score: Gneiting and Raftery 2007 (width + 2/(1-level) x the miss), lower is better;"
                        + " log score: -log density of the value under a log-normal with the forecast as median and"
                        + " the interval as its central range, lower is better%n",
                hits,
                r.heldout().size()));
        return b.toString();
    }
}

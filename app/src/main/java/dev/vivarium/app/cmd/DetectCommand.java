package dev.vivarium.app.cmd;

import dev.vivarium.laws.detect.ChangePoints;
import dev.vivarium.laws.detect.DoubleDescent;
import dev.vivarium.laws.detect.Grokking;
import dev.vivarium.laws.detect.Series;
import dev.vivarium.laws.detect.Spikes;
import dev.vivarium.laws.runs.RunRecord;
import dev.vivarium.laws.runs.StoreRunSource;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code vivarium detect RUN}: grokking, plateaus and phase changes, and loss spikes in a run's metric log. */
@Command(
        name = "detect",
        mixinStandardHelpOptions = true,
        description = "Run the detectors on a run: grokking, plateaus and phase changes, test-loss peak, loss spikes.")
public final class DetectCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "RUN", description = "Run directory, or run id under --runs.")
    String run;

    @picocli.CommandLine.Mixin
    RunsRoot runs;

    @Option(
            names = "--threshold",
            defaultValue = "0.95",
            description = "Accuracy that counts as learned. Default: ${DEFAULT-VALUE}.")
    double threshold;

    @Option(
            names = "--smoothing",
            defaultValue = "1",
            description = "Odd running-median window for accuracies. Default: ${DEFAULT-VALUE}.")
    int smoothing;

    @Override
    public Integer call() {
        RunRecord r = StoreRunSource.read(runs.resolve(run));
        PrintWriter out = spec.commandLine().getOut();
        out.printf("run %s (%s)%s%n", r.id(), r.recipe(), r.finished() ? "" : ", not finished");
        var logged = r.metricNames();
        if (logged.contains("train_acc") && logged.contains("test_acc")) {
            Grokking.Result g =
                    new Grokking(threshold, smoothing, 2).detect(r.series("train_acc"), r.series("test_acc"));
            out.printf(
                    Locale.ROOT,
                    "grokking: %s; memorisation step %s, grok step %s, delay %s%n",
                    g.verdict(),
                    show(g.memorisationStep()),
                    show(g.generalisationStep()),
                    show(g.delay()));
        } else {
            out.println("grokking: needs train_acc and test_acc, which this run does not log");
        }
        if (logged.contains("train_loss")) {
            ChangePoints.Result cp = ChangePoints.DEFAULT.detect(thin(r.series("train_loss")));
            for (ChangePoints.Segment s : cp.segments()) {
                out.printf(
                        Locale.ROOT,
                        "segment steps %.0f-%.0f: log-loss %.3f -> %.3f%s%n",
                        s.fromStep(),
                        s.toStep(),
                        s.logLossStart(),
                        s.logLossEnd(),
                        s.plateau() ? " (plateau)" : "");
            }
            cp.phaseChanges()
                    .forEach(p -> out.printf(Locale.ROOT, "phase change at step %.0f: %s%n", p.step(), p.kind()));
            var spikes = Spikes.DEFAULT.detect(r.series("train_loss"));
            out.printf("loss spikes: %d%n", spikes.size());
            spikes.forEach(s -> out.printf(
                    Locale.ROOT,
                    "  steps %.0f-%.0f, peak %.4g at %.0f (x%.2f the baseline)%n",
                    s.startStep(),
                    s.endStep(),
                    s.peakValue(),
                    s.peakStep(),
                    s.ratio()));
        }
        if (logged.contains("test_loss")) {
            DoubleDescent.Result dd = DoubleDescent.DEFAULT.detect(r.series("test_loss"));
            out.printf(
                    Locale.ROOT,
                    "test-loss peak: %s at step %.0f, %.4g (prominence %.4g, noise %.3g)%n",
                    dd.detected() ? "above the noise" : "none above the noise",
                    dd.peakX(),
                    dd.peakValue(),
                    dd.prominence(),
                    dd.noise());
        }
        out.flush();
        return 0;
    }

    /** Change points take at most 4,000 points: keep every k-th. */
    private static Series thin(Series s) {
        int k = (s.size() + 3999) / 4000;
        if (k <= 1) {
            return s;
        }
        int n = (s.size() + k - 1) / k;
        double[] x = new double[n];
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = s.x(i * k);
            v[i] = s.value(i * k);
        }
        return new Series(s.name(), x, v);
    }

    private static String show(java.util.OptionalDouble d) {
        return d.isPresent() ? String.format(Locale.ROOT, "%.0f", d.getAsDouble()) : "-";
    }
}

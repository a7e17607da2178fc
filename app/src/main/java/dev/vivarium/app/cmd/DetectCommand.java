package dev.vivarium.app.cmd;

import dev.vivarium.laws.detect.ChangePoints;
import dev.vivarium.laws.detect.DoubleDescent;
import dev.vivarium.laws.detect.Grokking;
import dev.vivarium.laws.detect.GrokkingPhase;
import dev.vivarium.laws.detect.Spikes;
import dev.vivarium.laws.runs.RunRecord;
import dev.vivarium.laws.runs.StoreRunSource;
import dev.vivarium.numeric.event.Memorisation;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code vivarium detect RUN}: memorisation and grokking (a phase change of test loss), plateaus and phase
 * changes of train loss, the test-loss peak and loss spikes in a run's metric log, each with its definition.
 */
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
            defaultValue = "0.99",
            description = "Train accuracy that counts as memorised (and test accuracy as generalised, for the"
                    + " reference line). Default: ${DEFAULT-VALUE}, the shared definition of memorisation.")
    double threshold;

    @Option(
            names = "--smoothing",
            defaultValue = "1",
            description = "Odd running-median window for the test-accuracy reference line. Default: ${DEFAULT-VALUE}.")
    int smoothing;

    @Override
    public Integer call() {
        RunRecord r = StoreRunSource.read(runs.resolve(run));
        PrintWriter out = spec.commandLine().getOut();
        out.printf("run %s (%s)%s%n", r.id(), r.recipe(), r.finished() ? "" : ", not finished");
        var logged = r.metricNames();
        if (logged.contains("train_acc") && logged.contains("test_loss")) {
            GrokkingPhase phase = new GrokkingPhase(
                    new Memorisation(threshold),
                    GrokkingPhase.DEFAULT.changePoints(),
                    GrokkingPhase.DEFAULT.minFall(),
                    GrokkingPhase.DEFAULT.minDelayRatio());
            GrokkingPhase.Result g = phase.detect(r.series("train_acc"), r.series("test_loss"));
            out.printf(
                    Locale.ROOT,
                    "grokking: %s; memorisation step %s, grok step %s, delay %s%n",
                    g.verdict(),
                    show(g.memorisationStep()),
                    show(g.grokStep()),
                    show(g.delay()));
            out.println("  " + phase.memorisation().definition());
            out.println("  " + phase.definition());
            g.note().ifPresent(n -> out.println("  no phase change looked for: " + n));
            g.fall()
                    .ifPresent(f -> out.printf(
                            Locale.ROOT,
                            "  test loss (data): %.4g before step %.0f, %.4g at step %.0f%n",
                            g.lossBefore(),
                            f.fromStep(),
                            r.series("test_loss").values()[r.series("test_loss").size() - 1],
                            r.series("test_loss").x(r.series("test_loss").size() - 1)));
            if (logged.contains("test_acc")) {
                Grokking.Result acc =
                        new Grokking(threshold, smoothing, 2).detect(r.series("train_acc"), r.series("test_acc"));
                out.printf(
                        Locale.ROOT,
                        "  for reference, test accuracy stays >= %s from step %s%n",
                        threshold,
                        show(acc.generalisationStep()));
            }
        } else {
            out.println("grokking: needs train_acc and test_loss, which this run does not both log (it logs " + logged
                    + ")");
        }
        if (logged.contains("train_loss")) {
            ChangePoints.Result cp = ChangePoints.DEFAULT.thinned(r.series("train_loss"));
            out.println("train loss segments (change points of log train loss; endpoints are logged values):");
            for (ChangePoints.Segment s : cp.segments()) {
                out.printf(
                        Locale.ROOT,
                        "segment steps %.0f-%.0f: train loss %.4g -> %.4g%s%n",
                        s.fromStep(),
                        s.toStep(),
                        s.lossAtStart(),
                        s.lossAtEnd(),
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

    private static String show(java.util.OptionalDouble d) {
        return d.isPresent() ? String.format(Locale.ROOT, "%.0f", d.getAsDouble()) : "-";
    }
}

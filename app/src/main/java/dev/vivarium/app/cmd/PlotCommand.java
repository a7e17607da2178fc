package dev.vivarium.app.cmd;

import dev.vivarium.app.report.Curves;
import dev.vivarium.store.run.RunDir;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code vivarium plot RUN}: draws the run's loss and accuracy curves to a PNG. */
@Command(
        name = "plot",
        mixinStandardHelpOptions = true,
        description = "Draw train/test loss and accuracy against step (log axes).")
public final class PlotCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "RUN", description = RunLookup.RUN_DESCRIPTION)
    String run;

    @Option(
            names = "--out",
            paramLabel = "PNG",
            description = "Image file to write or replace, a regular file (default: RUN/curves.png).")
    Path out;

    @Mixin
    RunsRoot runs;

    @Override
    public Integer call() throws Exception {
        if (out != null) {
            OutPath.file("--out", out);
        }
        RunDir r = RunDir.open(runs.resolve(run));
        Path png = out != null ? out : r.root().resolve("curves.png");
        MetricRows metrics = MetricRows.of(r);
        Curves.write(png, r.id(), metrics.rows());
        PrintWriter o = spec.commandLine().getOut();
        o.println(png);
        o.flush();
        if (metrics.problem().isPresent()) {
            PrintWriter err = spec.commandLine().getErr();
            err.println("warning: plotted the " + metrics.rows().size() + " rows before the break: "
                    + metrics.problem().get());
            err.flush();
        }
        return 0;
    }
}

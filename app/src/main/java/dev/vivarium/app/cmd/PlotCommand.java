package dev.vivarium.app.cmd;

import dev.vivarium.app.report.Curves;
import dev.vivarium.store.run.RunDir;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code vivarium plot RUN}: draws the run's loss and accuracy curves to a PNG. */
@Command(
        name = "plot",
        mixinStandardHelpOptions = true,
        description = "Draw train/test loss and accuracy against step (log axes).")
public final class PlotCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "RUN", description = "Run directory or run id.")
    String run;

    @Option(names = "--out", paramLabel = "PNG", description = "Image file (default: RUN/curves.png).")
    Path out;

    @Mixin
    RunsRoot runs;

    @Override
    public Integer call() throws Exception {
        RunDir r = RunDir.open(runs.resolve(run));
        Path png = out != null ? out : r.root().resolve("curves.png");
        Curves.write(png, r.id(), r.metrics().read());
        System.out.println(png);
        return 0;
    }
}

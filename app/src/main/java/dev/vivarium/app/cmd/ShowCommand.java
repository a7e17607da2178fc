package dev.vivarium.app.cmd;

import dev.vivarium.store.run.RunDir;
import dev.vivarium.store.run.RunIndex;
import dev.vivarium.store.run.RunStatus;
import java.io.IOException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code vivarium show RUN}: status, last metrics, checkpoints and config of one run. */
@Command(
        name = "show",
        mixinStandardHelpOptions = true,
        description = "Show a run: status, last metrics, checkpoints, config.")
public final class ShowCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "RUN", description = "Run directory or run id.")
    String run;

    @Mixin
    RunsRoot runs;

    @Override
    public Integer call() throws Exception {
        RunDir r = RunDir.open(runs.resolve(run));
        System.out.println(describe(r));
        System.out.println("checkpoints: " + r.checkpointSteps());
        System.out.println("config (" + r.configFile() + "):");
        System.out.print(java.nio.file.Files.readString(r.configFile()));
        return 0;
    }

    /** A few lines: id, status, step, last metrics. */
    static String describe(RunDir r) throws IOException {
        RunStatus s = r.effectiveStatus(RunIndex.STALE_AFTER);
        StringBuilder b = new StringBuilder();
        b.append(String.format(
                Locale.ROOT,
                "%s  %s  step %d/%d%s%n",
                r.id(),
                s.state(),
                s.step(),
                s.totalSteps(),
                s.message().map(m -> "  (" + m + ")").orElse("")));
        List<Map<String, Double>> rows = r.metrics().read();
        if (!rows.isEmpty()) {
            Map<String, Double> last = rows.get(rows.size() - 1);
            b.append("last logged:");
            for (String k : List.of(
                    "step",
                    "train_loss",
                    "test_loss",
                    "train_acc",
                    "test_acc",
                    "train_exact",
                    "test_exact",
                    "weight_norm",
                    "wall_s")) {
                if (last.containsKey(k)) {
                    b.append(String.format(Locale.ROOT, " %s=%.5g", k, last.get(k)));
                }
            }
        }
        return b.toString();
    }
}

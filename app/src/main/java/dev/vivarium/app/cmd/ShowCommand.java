package dev.vivarium.app.cmd;

import dev.vivarium.store.run.RunDir;
import dev.vivarium.store.run.RunIndex;
import dev.vivarium.store.run.RunStatus;
import dev.vivarium.store.safetensors.Safetensors;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code vivarium show RUN}: status, last metrics, checkpoints, version and config of one run. */
@Command(
        name = "show",
        mixinStandardHelpOptions = true,
        description = "Show a run: status, last metrics, checkpoints, the version that made it, config.")
public final class ShowCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "RUN", description = RunLookup.RUN_DESCRIPTION)
    String run;

    @Mixin
    RunsRoot runs;

    @Override
    public Integer call() throws Exception {
        RunDir r = RunDir.open(runs.resolve(run));
        PrintWriter out = spec.commandLine().getOut();
        out.println(describe(r));
        out.println("checkpoints: " + r.checkpointSteps());
        out.println("made by: " + madeBy(r));
        out.println("config (" + r.configFile() + "):");
        out.print(Files.readString(r.configFile()));
        out.flush();
        return 0;
    }

    /**
     * A few lines: id, status, step, last metrics; if the metric log breaks in the middle, the last row
     * before the break and where it broke.
     */
    static String describe(RunDir r) throws IOException {
        RunStatus s = r.effectiveStatus(RunIndex.STALE_AFTER);
        StringBuilder b = new StringBuilder();
        b.append(String.format(
                Locale.ROOT,
                "%s  %s  step %d/%d%s",
                r.id(),
                s.state(),
                s.step(),
                s.totalSteps(),
                s.message().map(m -> "  (" + m + ")").orElse("")));
        MetricRows metrics = MetricRows.of(r);
        List<Map<String, Double>> rows = metrics.rows();
        if (!rows.isEmpty()) {
            Map<String, Double> last = rows.get(rows.size() - 1);
            b.append(System.lineSeparator()).append("last logged:");
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
                if (k.equals("step") && last.containsKey(k)) {
                    b.append(" step=").append(last.get(k).longValue()); // the log's integer key column
                } else if (last.containsKey(k)) {
                    b.append(String.format(Locale.ROOT, " %s=%.5g", k, last.get(k)));
                }
            }
        }
        metrics.problem().ifPresent(p -> b.append(System.lineSeparator())
                .append("metric log broken after ")
                .append(rows.size())
                .append(" rows: ")
                .append(p));
        return b.toString();
    }

    /** The version in the newest checkpoint's metadata, as the run recorded it. */
    private static String madeBy(RunDir r) throws IOException {
        OptionalLong step = r.lastCheckpointStep();
        if (step.isEmpty()) {
            return "unknown (no checkpoint yet)";
        }
        var file = r.checkpointFile(step.getAsLong());
        String v;
        try {
            v = Safetensors.read(file).metadata().get("vivarium_version");
        } catch (IOException e) {
            return "unknown (" + dev.vivarium.app.Failure.of(e, "vivarium show").line() + ")";
        }
        return v == null
                ? "unknown (" + file + " records no vivarium_version)"
                : "vivarium " + v + " (" + r.root().relativize(file) + ")";
    }
}

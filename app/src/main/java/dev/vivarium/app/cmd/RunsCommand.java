package dev.vivarium.app.cmd;

import dev.vivarium.store.run.RunIndex;
import dev.vivarium.store.run.RunSummary;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code vivarium runs}: a table of runs, newest first; a run whose process died shows as KILLED. */
@Command(
        name = "runs",
        mixinStandardHelpOptions = true,
        description = "List runs: id, recipe, status, step, key metrics.")
public final class RunsCommand implements Callable<Integer> {
    @Mixin
    RunsRoot runs;

    @Override
    public Integer call() throws Exception {
        if (!java.nio.file.Files.isDirectory(runs.dir())) {
            System.out.println("no runs under " + runs.dir().toAbsolutePath());
            return 0;
        }
        List<RunSummary> list = RunIndex.list(runs.dir());
        System.out.println(table(list));
        return 0;
    }

    static String table(List<RunSummary> list) {
        StringBuilder b = new StringBuilder();
        b.append(String.format(
                Locale.ROOT,
                "%-36s %-16s %-9s %13s %10s %10s %9s %9s%n",
                "ID",
                "RECIPE",
                "STATUS",
                "STEP",
                "TRAIN_LOSS",
                "TEST_LOSS",
                "TRAIN_ACC",
                "TEST_ACC"));
        for (RunSummary s : list) {
            Map<String, Double> m = s.lastMetrics().orElse(Map.of());
            b.append(String.format(
                    Locale.ROOT,
                    "%-36s %-16s %-9s %13s %10s %10s %9s %9s%n",
                    s.id(),
                    s.status().recipe(),
                    s.status().state(),
                    s.status().step() + "/" + s.status().totalSteps(),
                    num(m, "train_loss", "%.4g"),
                    num(m, "test_loss", "%.4g"),
                    num(m, "train_acc", "%.3f"),
                    num(m, "test_acc", "%.3f")));
        }
        return b.toString();
    }

    private static String num(Map<String, Double> m, String k, String fmt) {
        Double v = m.get(k);
        return v == null ? "-" : String.format(Locale.ROOT, fmt, v);
    }
}

package dev.vivarium.app.cmd;

import dev.vivarium.store.run.RunSummary;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code vivarium runs}: a table of runs, newest first; a run whose process died shows as KILLED. A broken
 * run (no config, unreadable status or metric log) is left out of the table and reported on one line.
 */
@Command(
        name = "runs",
        mixinStandardHelpOptions = true,
        description = "List runs: id, recipe, status, step, key metrics. Broken runs are named on stderr and skipped.")
public final class RunsCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    RunsRoot runs;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Path root = runs.dir();
        if (Files.exists(root) && !Files.isDirectory(root)) {
            throw new IllegalArgumentException("--runs " + root + ": is a file, not a directory of runs");
        }
        if (!Files.isDirectory(root)) {
            out.println("no runs under " + root.toAbsolutePath());
            out.flush();
            return 0;
        }
        List<RunSummary> good = RunScan.summaries(root, err);
        out.println(table(good));
        out.flush();
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

package dev.vivarium.app.cmd;

import dev.vivarium.store.run.RunIndex;
import dev.vivarium.store.run.RunSummary;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
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
        List<RunSummary> good = new ArrayList<>();
        Set<Path> listed = new HashSet<>();
        for (RunSummary s : RunIndex.list(root)) {
            listed.add(s.dir());
            Optional<String> problem = RunCheck.problem(s);
            if (problem.isPresent()) {
                err.println("warning: skipped run " + s.id() + ": " + problem.get());
            } else {
                good.add(s);
            }
        }
        for (Path dir : unlisted(root, listed)) {
            err.println("warning: skipped run " + dir.getFileName() + ": " + dir.resolve("status.json")
                    + ": not found (a run writes its status first)");
        }
        err.flush();
        out.println(table(good));
        out.flush();
        return 0;
    }

    /** Directories with a config but no status: runs the index cannot see. */
    private static List<Path> unlisted(Path root, Set<Path> listed) throws IOException {
        try (Stream<Path> dirs = Files.list(root)) {
            return dirs.filter(d -> !listed.contains(d)
                            && Files.isDirectory(d)
                            && Files.exists(d.resolve("config.yaml"))
                            && !Files.exists(d.resolve("status.json")))
                    .sorted()
                    .toList();
        }
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

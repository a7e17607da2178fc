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
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * What every command that scans many runs does with a broken one: names it on one {@code warning:
 * skipped run ID: WHAT} line and goes on without it, so one broken run never hides the others.
 */
final class RunScan {
    private RunScan() {}

    /** The runs under {@code root} that are not broken, newest start first; the others are reported. */
    static List<RunSummary> summaries(Path root, PrintWriter warnings) throws IOException {
        if (!Files.isDirectory(root)) {
            throw new IllegalArgumentException("--runs " + root + ": "
                    + (Files.exists(root) ? "is a file, not a directory of runs" : "no such directory of runs"));
        }
        List<RunSummary> good = new ArrayList<>();
        Set<Path> listed = new HashSet<>();
        for (RunSummary s : RunIndex.list(root)) {
            listed.add(s.dir());
            Optional<String> problem = RunCheck.problem(s);
            if (problem.isPresent()) {
                skipped(warnings, s.id(), problem.get());
            } else {
                good.add(s);
            }
        }
        try (Stream<Path> dirs = Files.list(root)) {
            dirs.filter(d -> !listed.contains(d)
                            && Files.isDirectory(d)
                            && Files.exists(d.resolve("config.yaml"))
                            && !Files.exists(d.resolve("status.json")))
                    .sorted()
                    .forEach(d -> skipped(
                            warnings,
                            d.getFileName().toString(),
                            d.resolve("status.json") + ": not found (a run writes its status first)"));
        }
        warnings.flush();
        return good;
    }

    private static void skipped(PrintWriter warnings, String id, String problem) {
        warnings.println("warning: skipped run " + id + ": " + problem);
    }
}

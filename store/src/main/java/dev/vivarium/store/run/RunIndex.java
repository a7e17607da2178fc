package dev.vivarium.store.run;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Lists the runs under a root directory by reading each run's own files; there is no index file to go
 * stale. One broken run never hides the others: it is listed as FAILED with a message saying why.
 */
public final class RunIndex {

    /** A RUNNING run whose heartbeat is older than this is listed as KILLED. */
    public static final Duration STALE_AFTER = Duration.ofSeconds(60);

    /**
     * The file that makes a folder under the runs root a population's: its members, run directories inside it,
     * are listed as {@code <folder>/<member>}.
     */
    public static final String POPULATION_FILE = "population.json";

    private RunIndex() {}

    /**
     * Every direct subdirectory of {@code runsRoot} that has a {@code status.json} (and every member of a population
     * folder, as {@code <folder>/<member>}), with its effective
     * status ({@link #STALE_AFTER}), newest start first.
     *
     * @throws IOException if {@code runsRoot} itself cannot be listed
     */
    public static List<RunSummary> list(Path runsRoot) throws IOException {
        return list(runsRoot, STALE_AFTER);
    }

    /** As {@link #list(Path)}, with another staleness limit. */
    public static List<RunSummary> list(Path runsRoot, Duration staleAfter) throws IOException {
        if (!Files.isDirectory(runsRoot)) {
            throw new NoSuchFileException(runsRoot.toString(), null, "runs directory does not exist");
        }
        List<RunSummary> runs = new ArrayList<>();
        try (Stream<Path> dirs = Files.list(runsRoot)) {
            for (Path dir : (Iterable<Path>) dirs::iterator) {
                RunDir run = RunDir.unchecked(dir);
                if (Files.isDirectory(dir) && Files.exists(run.statusFile())) {
                    runs.add(summarize(run, staleAfter));
                } else if (Files.isDirectory(dir) && Files.isRegularFile(dir.resolve(POPULATION_FILE))) {
                    try (Stream<Path> members = Files.list(dir)) {
                        for (Path m : (Iterable<Path>) members.sorted()::iterator) {
                            RunDir member = RunDir.unchecked(m);
                            if (Files.isDirectory(m) && Files.exists(member.statusFile())) {
                                RunSummary s = summarize(member, staleAfter);
                                runs.add(new RunSummary(
                                        dir.getFileName() + "/" + member.id(), s.dir(), s.status(), s.lastMetrics()));
                            }
                        }
                    }
                }
            }
        }
        runs.sort(Comparator.comparing((RunSummary r) -> r.status().startedAt())
                .reversed()
                .thenComparing(RunSummary::id));
        return runs;
    }

    private static RunSummary summarize(RunDir run, Duration staleAfter) {
        RunStatus status;
        try {
            status = run.effectiveStatus(staleAfter);
        } catch (IOException | RuntimeException e) {
            return new RunSummary(run.id(), run.root(), unreadable(run, e), Optional.empty());
        }
        Optional<Map<String, Double>> last;
        try {
            last = run.metrics().last();
        } catch (IOException | RuntimeException e) {
            status = status.withState(
                    status.state(),
                    Optional.of("metrics unreadable: " + e.getMessage()
                            + status.message().map(m -> "; " + m).orElse("")));
            last = Optional.empty();
        }
        return new RunSummary(run.id(), run.root(), status, last);
    }

    /** A FAILED stand-in for a run whose status cannot be read, dated by its status file. */
    private static RunStatus unreadable(RunDir run, Exception e) {
        Instant modified;
        try {
            modified = Files.getLastModifiedTime(run.statusFile()).toInstant();
        } catch (IOException gone) {
            modified = FileTime.fromMillis(0).toInstant();
        }
        return new RunStatus(
                RunState.FAILED,
                "unknown",
                0,
                "unknown",
                modified,
                modified,
                0,
                0,
                Optional.of("unreadable run: " + e.getMessage()));
    }
}

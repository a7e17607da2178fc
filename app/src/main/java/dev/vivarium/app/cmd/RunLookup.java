package dev.vivarium.app.cmd;

import dev.vivarium.store.run.RunIndex;
import dev.vivarium.store.run.RunSummary;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Finds the run a user means by {@code RUN}: a path to a run directory; an id under the runs directory;
 * a prefix of exactly one id there; or {@code latest}, the most recently started run that is not broken.
 * The run found is checked with {@link RunCheck} before it is returned.
 */
final class RunLookup {
    /** How every command describes its {@code RUN} parameter. */
    static final String RUN_DESCRIPTION =
            "Run directory, run id under --runs, a unique prefix of one, or 'latest' (the most recently started).";

    /** The word for the most recently started run. */
    static final String LATEST = "latest";

    /** Longest file name most file systems allow, in bytes. */
    static final int MAX_NAME_BYTES = 255;

    private RunLookup() {}

    static Path find(String run, Path runsDir) {
        if (run == null || run.isBlank()) {
            throw new IllegalArgumentException(
                    "RUN is empty: give a run directory, a run id, a unique id prefix or '" + LATEST + "'");
        }
        Path given = path(run);
        for (Path part : given) {
            if (part.toString().getBytes(StandardCharsets.UTF_8).length > MAX_NAME_BYTES) {
                throw new IllegalArgumentException(
                        "RUN '" + abbreviate(run) + "': name too long (at most " + MAX_NAME_BYTES + " bytes per name)");
            }
        }
        if (Files.exists(given)) {
            return population(given).orElseGet(() -> checked(directory(given, run)));
        }
        if (given.getNameCount() > 1 && !given.isAbsolute() && Files.isDirectory(runsDir.resolve(given))) {
            return checked(runsDir.resolve(given)); // a population's member, <folder>/<member>
        }
        if (given.getNameCount() > 1 || given.isAbsolute()) {
            throw new IllegalArgumentException("RUN " + run + ": not found");
        }
        if (!Files.isDirectory(runsDir)) {
            throw new IllegalArgumentException("no run '" + run + "': the runs directory " + runsDir.toAbsolutePath()
                    + " does not exist (choose it with --runs DIR or $" + RunsRoot.VARIABLE + ")");
        }
        if (run.equals(LATEST)) {
            return latest(runsDir);
        }
        Path exact = runsDir.resolve(run);
        if (Files.exists(exact)) {
            return population(exact).orElseGet(() -> checked(directory(exact, run)));
        }
        List<Path> matches = startingWith(runsDir, run);
        if (matches.size() == 1) {
            return checked(matches.get(0));
        }
        if (matches.isEmpty()) {
            throw new IllegalArgumentException("no run '" + run + "' under " + runsDir.toAbsolutePath()
                    + ": no run id is or starts with it (see 'vivarium runs')");
        }
        throw new IllegalArgumentException("run id prefix '" + run + "' is ambiguous under " + runsDir.toAbsolutePath()
                + ": it starts " + names(matches) + " (give more of the id)");
    }

    /** The run started most recently, by its status; broken runs are passed over. */
    private static Path latest(Path runsDir) {
        try {
            for (RunSummary s : RunIndex.list(runsDir)) {
                if (RunCheck.problem(s).isEmpty()) {
                    return s.dir();
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list runs in " + runsDir, e);
        }
        throw new IllegalArgumentException("'" + LATEST + "': there are no runs under " + runsDir.toAbsolutePath());
    }

    private static List<Path> startingWith(Path runsDir, String prefix) {
        List<Path> out = new ArrayList<>();
        try (Stream<Path> entries = Files.list(runsDir)) {
            entries.filter(p -> p.getFileName().toString().startsWith(prefix) && Files.isDirectory(p))
                    .sorted()
                    .forEach(out::add);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list runs in " + runsDir, e);
        }
        return out;
    }

    /** A population's folder (for {@code resume}), which holds runs rather than being one. */
    private static java.util.Optional<Path> population(Path p) {
        return Files.isRegularFile(p.resolve(RunIndex.POPULATION_FILE))
                ? java.util.Optional.of(p)
                : java.util.Optional.empty();
    }

    private static Path directory(Path p, String run) {
        if (!Files.isDirectory(p)) {
            throw new IllegalArgumentException("RUN " + run + ": " + p + " is a file, not a run directory");
        }
        return p;
    }

    private static Path checked(Path dir) {
        RunCheck.problem(dir).ifPresent(problem -> {
            throw new IllegalStateException(problem);
        });
        return dir;
    }

    private static Path path(String run) {
        try {
            return Path.of(run);
        } catch (InvalidPathException e) {
            throw new IllegalArgumentException("RUN '" + abbreviate(run) + "' is not a valid path: " + e.getReason());
        }
    }

    private static String names(List<Path> runs) {
        List<String> names = runs.stream().map(p -> p.getFileName().toString()).toList();
        int shown = Math.min(names.size(), 10);
        return String.join(", ", names.subList(0, shown))
                + (names.size() > shown ? " and " + (names.size() - shown) + " more" : "");
    }

    static String abbreviate(String s) {
        return s.length() <= 60 ? s : s.substring(0, 40) + "...(" + s.length() + " characters)";
    }
}

package dev.vivarium.app.cmd;

import dev.vivarium.store.run.RunState;
import dev.vivarium.store.run.RunSummary;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * What makes a run directory unusable, found from its files before any command reads it: a missing
 * {@code config.yaml}, or a status, metric log or config that is not a regular file. The answer names the
 * file and what was expected; commands that scan many runs report it and skip the run.
 */
final class RunCheck {
    private RunCheck() {}

    /** The problem with the run directory {@code dir}, if it has one. */
    static Optional<String> problem(Path dir) {
        Path config = dir.resolve("config.yaml");
        if (!Files.exists(config)) {
            return Optional.of(config + ": not found (every run directory has its resolved config)");
        }
        for (Path f : new Path[] {config, dir.resolve("status.json"), dir.resolve("metrics.jsonl")}) {
            if (Files.exists(f) && !Files.isRegularFile(f)) {
                return Optional.of(f + ": " + (Files.isDirectory(f) ? "is a directory" : "is a special file")
                        + ", expected a regular file");
            }
        }
        return Optional.empty();
    }

    /** The problem with a listed run: its files, or a status or metric log the index could not read. */
    static Optional<String> problem(RunSummary s) {
        Optional<String> files = problem(s.dir());
        if (files.isPresent()) {
            return files;
        }
        String message = s.status().message().orElse("");
        if (s.status().state() == RunState.FAILED && message.startsWith("unreadable run: ")) {
            return Optional.of(message.substring("unreadable run: ".length()));
        }
        if (message.startsWith("metrics unreadable: ")) {
            return Optional.of(
                    message.substring("metrics unreadable: ".length()).replaceFirst(";.*", ""));
        }
        return Optional.empty();
    }
}

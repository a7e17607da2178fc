package dev.vivarium.app.cmd;

import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The {@code --runs DIR} option shared by commands that find runs: default {@code $VIVARIUM_RUNS} or {@code ./runs}. */
public final class RunsRoot {
    @Option(
            names = "--runs",
            paramLabel = "DIR",
            description = "Directory holding run directories (default: $VIVARIUM_RUNS or ./runs).")
    Path dir;

    public Path dir() {
        if (dir != null) {
            return dir;
        }
        String env = System.getenv("VIVARIUM_RUNS");
        return Path.of(env != null && !env.isBlank() ? env : "runs");
    }

    /** A run given as a directory path or as an id under the runs directory. */
    public Path resolve(String run) {
        Path p = Path.of(run);
        if (Files.isDirectory(p)) {
            return p;
        }
        Path under = dir().resolve(run);
        if (Files.isDirectory(under)) {
            return under;
        }
        throw new IllegalArgumentException(
                "no run '" + run + "': neither a directory nor a run id under " + dir().toAbsolutePath());
    }
}

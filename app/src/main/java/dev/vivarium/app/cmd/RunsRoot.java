package dev.vivarium.app.cmd;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * The {@code --runs DIR} option, one meaning for every command that reads or writes runs: the directory
 * holding one directory per run, by default {@code $VIVARIUM_RUNS}, else {@code ./runs}.
 */
public final class RunsRoot {
    /** The environment variable that sets the runs directory when {@code --runs} is not given. */
    public static final String VARIABLE = "VIVARIUM_RUNS";

    @Option(
            names = "--runs",
            paramLabel = "DIR",
            description = "Directory holding one directory per run (default: $" + VARIABLE + ", else ./runs).")
    Path dir;

    /** The runs directory: {@code --runs}, else {@code $VIVARIUM_RUNS}, else {@code runs}. */
    public Path dir() {
        if (dir != null) {
            return dir;
        }
        String env = System.getenv(VARIABLE);
        return Path.of(env != null && !env.isBlank() ? env : "runs");
    }

    /** True if the user chose a runs directory, with {@code --runs} or {@code $VIVARIUM_RUNS}. */
    public boolean chosen() {
        String env = System.getenv(VARIABLE);
        return dir != null || (env != null && !env.isBlank());
    }

    /**
     * The run named by {@code run}: a run directory's path, a run id under {@link #dir()}, a unique prefix
     * of one, or {@code latest} (see {@link RunLookup}).
     *
     * @throws IllegalArgumentException naming the run and why it names no run, or which runs it could mean
     * @throws IllegalStateException naming the file that makes the run's directory unusable
     */
    public Path resolve(String run) {
        return RunLookup.find(run, dir());
    }
}

package dev.vivarium.app.cmd;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * The {@code --sweeps DIR} option, one meaning for every command that writes or reads sweep folders: the
 * directory holding one folder per sweep, by default {@code $VIVARIUM_SWEEPS}, else {@code ./sweeps}.
 */
public final class SweepsRoot {
    /** The environment variable that sets the sweeps directory when {@code --sweeps} is not given. */
    public static final String VARIABLE = "VIVARIUM_SWEEPS";

    @Option(
            names = "--sweeps",
            paramLabel = "DIR",
            description = "Directory holding sweep folders (default: $" + VARIABLE + ", else ./sweeps).")
    Path dir;

    /** The sweeps directory: {@code --sweeps}, else {@code $VIVARIUM_SWEEPS}, else {@code sweeps}. */
    public Path dir() {
        return dir != null ? dir : chosenByEnvironment() ? Path.of(System.getenv(VARIABLE)) : Path.of("sweeps");
    }

    /** True if the user chose a sweeps directory, with {@code --sweeps} or {@code $VIVARIUM_SWEEPS}. */
    public boolean chosen() {
        return dir != null || chosenByEnvironment();
    }

    private static boolean chosenByEnvironment() {
        String env = System.getenv(VARIABLE);
        return env != null && !env.isBlank();
    }
}

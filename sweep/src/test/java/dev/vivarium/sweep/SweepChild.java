package dev.vivarium.sweep;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * A child process for the kill tests: {@code SPEC SWEEPS [PARALLEL]} runs the sweep until it ends or is killed,
 * in-process, or with {@code PARALLEL} points at once as {@link SweepWorkerChild} processes.
 */
public final class SweepChild {
    private SweepChild() {}

    public static void main(String[] args) throws Exception {
        if (args.length > 2) {
            var options = new LocalExecutor.Options(
                    Integer.parseInt(args[2]), Optional.of(SweepWorkerChild.command()), false);
            LocalExecutor.run(Path.of(args[0]), Path.of(args[1]), options, List::of, System.err);
        } else {
            LocalExecutor.run(Path.of(args[0]), Path.of(args[1]), List::of, System.err);
        }
    }
}

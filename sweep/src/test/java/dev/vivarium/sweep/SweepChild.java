package dev.vivarium.sweep;

import java.nio.file.Path;
import java.util.List;

/** A child process for the kill test: {@code SPEC SWEEPS} runs the sweep until it ends or is killed. */
public final class SweepChild {
    private SweepChild() {}

    public static void main(String[] args) throws Exception {
        LocalExecutor.run(Path.of(args[0]), Path.of(args[1]), List::of, System.err);
    }
}

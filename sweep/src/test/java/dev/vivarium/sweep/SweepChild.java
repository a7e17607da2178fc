package dev.vivarium.sweep;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * A child process for the kill tests: {@code SPEC SWEEPS [PARALLEL] [--no-batch]} runs the sweep until it ends or
 * is killed, in-process, or with {@code PARALLEL} points at once as {@link SweepWorkerChild} processes; with
 * {@code --no-batch} every point alone.
 */
public final class SweepChild {
    private SweepChild() {}

    public static void main(String[] args) throws Exception {
        List<String> rest = new ArrayList<>(Arrays.asList(args));
        boolean batch = !rest.remove("--no-batch");
        var options = rest.size() > 2
                ? new LocalExecutor.Options(
                        Integer.parseInt(rest.get(2)), Optional.of(SweepWorkerChild.command()), false, batch)
                : LocalExecutor.Options.inProcess().withBatch(batch);
        LocalExecutor.run(Path.of(rest.get(0)), Path.of(rest.get(1)), options, List::of, System.err);
    }

    /** Starts {@link #main} with {@code args} in a new JVM on the test classpath, its output into {@code log}. */
    static Process spawn(Path log, String... args) throws IOException {
        List<String> argv = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dai.djl.offline=true",
                "-cp",
                System.getProperty("java.class.path"),
                SweepChild.class.getName()));
        argv.addAll(List.of(args));
        return new ProcessBuilder(argv)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
    }
}

package dev.vivarium.sweep;

import java.nio.file.Path;
import java.util.List;

/** {@code sweep worker} for the tests: {@code SWEEP_DIR INDEX} trains one point and exits with its status. */
public final class SweepWorkerChild {
    private SweepWorkerChild() {}

    public static void main(String[] args) throws Exception {
        PointRunner.Outcome o = Worker.run(Path.of(args[0]), Integer.parseInt(args[1]), List.of(), System.err);
        System.exit(Worker.exitStatus(o));
    }

    /** The command that runs {@link #main} in a new JVM on the test classpath. */
    static LocalExecutor.WorkerCommand command() {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return (dir, index) -> List.of(
                java,
                "-Dai.djl.offline=true",
                "-cp",
                System.getProperty("java.class.path"),
                SweepWorkerChild.class.getName(),
                dir.toString(),
                Integer.toString(index));
    }
}

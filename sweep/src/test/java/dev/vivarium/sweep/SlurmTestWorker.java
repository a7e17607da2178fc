package dev.vivarium.sweep;

import java.nio.file.Path;
import java.util.List;

/** A Slurm array task's worker in the Slurm test: {@code SWEEP_DIR --index I}, as {@code sweep worker} runs it. */
public final class SlurmTestWorker {
    private SlurmTestWorker() {}

    public static void main(String[] args) throws Exception {
        if (args.length != 3 || !args[1].equals("--index")) {
            System.err.println("usage: SlurmTestWorker SWEEP_DIR --index I");
            System.exit(2);
        }
        PointRunner.Outcome o = Worker.run(Path.of(args[0]), Integer.parseInt(args[2]), List.of(), System.err);
        System.exit(Worker.exitStatus(o));
    }
}

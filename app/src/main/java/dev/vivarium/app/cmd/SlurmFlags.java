package dev.vivarium.app.cmd;

import dev.vivarium.sweep.SlurmOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalInt;
import picocli.CommandLine.Option;

/**
 * The options of {@code sweep} and {@code sweep resume} that choose the executor and what a Slurm job array
 * asks for; each Slurm flag overrides the spec's {@code slurm:} block.
 */
public final class SlurmFlags {
    @Option(
            names = "--executor",
            paramLabel = "local|slurm",
            defaultValue = "local",
            description = "Where the points train: local (this machine, the default) or slurm (one job array of"
                    + " the points not completed, submitted with sbatch; see sweep status).")
    String executor;

    @Option(
            names = "--time",
            paramLabel = "LIMIT",
            description = "Slurm: each task's time limit, e.g. 2:00:00 (before it, a task checkpoints and requeues).")
    String time;

    @Option(names = "--mem", paramLabel = "SIZE", description = "Slurm: each task's memory, e.g. 4G.")
    String mem;

    @Option(
            names = "--cpus-per-task",
            paramLabel = "N",
            description = "Slurm: CPUs per task (default: the recipe's threads).")
    Integer cpusPerTask;

    @Option(names = "--partition", paramLabel = "NAME", description = "Slurm: the partition to submit to.")
    String partition;

    @Option(names = "--account", paramLabel = "NAME", description = "Slurm: the account to charge.")
    String account;

    @Option(
            names = "--sbatch",
            paramLabel = "LINE",
            description = "Slurm: an extra #SBATCH line without the prefix, e.g. --qos=low (repeatable).")
    List<String> sbatch = new ArrayList<>();

    @Option(
            names = "--max-running",
            paramLabel = "K",
            description = "Slurm: array tasks running at once (the %%K of --array; default: no limit).")
    Integer maxRunning;

    /** Whether the Slurm executor was chosen; anything but local or slurm is refused. */
    boolean slurm() {
        String e = executor.toLowerCase(Locale.ROOT);
        if (!e.equals("local") && !e.equals("slurm")) {
            throw new IllegalArgumentException("--executor " + executor + ": must be local or slurm");
        }
        boolean slurm = e.equals("slurm");
        if (!slurm
                && (time != null
                        || mem != null
                        || cpusPerTask != null
                        || partition != null
                        || account != null
                        || !sbatch.isEmpty()
                        || maxRunning != null)) {
            throw new IllegalArgumentException(
                    "--time, --mem, --cpus-per-task, --partition, --account, --sbatch and --max-running are for"
                            + " --executor slurm");
        }
        return slurm;
    }

    /** The flags given, as options over the spec's. */
    SlurmOptions options() {
        try {
            return flags();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--executor slurm: " + e.getMessage(), e);
        }
    }

    private SlurmOptions flags() {
        return new SlurmOptions(
                Optional.ofNullable(time),
                Optional.ofNullable(mem),
                cpusPerTask == null ? OptionalInt.empty() : OptionalInt.of(cpusPerTask),
                Optional.ofNullable(partition),
                Optional.ofNullable(account),
                sbatch,
                maxRunning == null ? OptionalInt.empty() : OptionalInt.of(maxRunning));
    }
}

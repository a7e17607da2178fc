package dev.vivarium.sweep;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The resources a sweep's Slurm job array asks for, from the spec's {@code slurm:} block or the command line's
 * flags ({@link #overriddenBy}: a flag wins over the spec). Empty means Slurm's (or the cluster's) default; an
 * empty {@code cpusPerTask} means the recipe's threads.
 *
 * @param time {@code --time}, e.g. {@code 2:00:00}
 * @param mem {@code --mem}, e.g. {@code 4G}
 * @param cpusPerTask {@code --cpus-per-task}
 * @param partition {@code --partition}
 * @param account {@code --account}
 * @param sbatch extra {@code #SBATCH} lines, each without the {@code #SBATCH} prefix, e.g. {@code --qos=low}
 * @param maxRunning array tasks at once (the {@code %K} of {@code --array}); empty means no limit
 */
public record SlurmOptions(
        Optional<String> time,
        Optional<String> mem,
        OptionalInt cpusPerTask,
        Optional<String> partition,
        Optional<String> account,
        List<String> sbatch,
        OptionalInt maxRunning) {

    public SlurmOptions {
        word("time", time);
        word("mem", mem);
        word("partition", partition);
        word("account", account);
        positive("cpusPerTask", cpusPerTask);
        positive("maxRunning", maxRunning);
        sbatch = List.copyOf(sbatch);
        for (String line : sbatch) {
            if (line.isBlank()
                    || line.contains("\n")
                    || line.contains("\r")
                    || !line.strip().startsWith("-")) {
                throw new IllegalArgumentException("sbatch: '" + line
                        + "' is not an sbatch option; give one option per line without #SBATCH, e.g. --qos=low");
            }
        }
    }

    /** Nothing asked: Slurm's defaults, and the recipe's threads per task. */
    public static SlurmOptions none() {
        return new SlurmOptions(
                Optional.empty(),
                Optional.empty(),
                OptionalInt.empty(),
                Optional.empty(),
                Optional.empty(),
                List.of(),
                OptionalInt.empty());
    }

    /** These options with every one that {@code flags} gives replaced by the flag's; extra lines are added. */
    public SlurmOptions overriddenBy(SlurmOptions flags) {
        List<String> lines = new ArrayList<>(sbatch);
        lines.addAll(flags.sbatch());
        return new SlurmOptions(
                flags.time().or(() -> time),
                flags.mem().or(() -> mem),
                flags.cpusPerTask().isPresent() ? flags.cpusPerTask() : cpusPerTask,
                flags.partition().or(() -> partition),
                flags.account().or(() -> account),
                lines,
                flags.maxRunning().isPresent() ? flags.maxRunning() : maxRunning);
    }

    private static void word(String name, Optional<String> value) {
        value.ifPresent(v -> {
            if (v.isBlank() || !v.matches("[A-Za-z0-9_.:,+\\-]+")) {
                throw new IllegalArgumentException(name + ": '" + v
                        + "' is not a Slurm value; letters, digits and _ . : , + - only (e.g. 2:00:00, 4G, gpu)");
            }
        });
    }

    private static void positive(String name, OptionalInt value) {
        if (value.isPresent() && value.getAsInt() < 1) {
            throw new IllegalArgumentException(name + ": " + value.getAsInt() + "; must be at least 1");
        }
    }
}

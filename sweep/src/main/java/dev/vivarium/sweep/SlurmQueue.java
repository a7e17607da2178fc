package dev.vivarium.sweep;

import dev.vivarium.store.run.RunState;
import dev.vivarium.store.run.RunStatus;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * What Slurm says about a sweep's array tasks: {@code squeue} (and {@code sacct}, when the cluster keeps
 * accounting) asked about the job arrays in the folder's {@code slurm/jobs.tsv}, each point under the newest
 * submission that includes it. Without {@code squeue} on the PATH, or when it fails, nothing is known and the
 * run directories alone say what became of each point.
 */
public final class SlurmQueue {
    /** A RUNNING run whose task is not running is believed dead once its heartbeat is older than this. */
    public static final Duration STALE = Duration.ofSeconds(10);

    private static final Set<String> ALIVE = Set.of(
            "PENDING",
            "RUNNING",
            "CONFIGURING",
            "COMPLETING",
            "SUSPENDED",
            "REQUEUED",
            "REQUEUE_HOLD",
            "REQUEUE_FED",
            "RESIZING",
            "SIGNALING",
            "STAGE_OUT");

    private static final Set<String> WAITING = Set.of("PENDING", "REQUEUED", "REQUEUE_HOLD", "REQUEUE_FED");

    private SlurmQueue() {}

    /**
     * One array task as Slurm reports it.
     *
     * @param index the point's index ({@code $SLURM_ARRAY_TASK_ID})
     * @param jobId the job array of the newest submission that includes the point
     * @param state Slurm's state ({@code PENDING}, {@code RUNNING}, ...), or empty when neither squeue nor
     *     sacct lists the task any more (it ended)
     */
    public record Task(int index, String jobId, String state) {
        /** Whether the task may still run: queued, running or on its way out. */
        public boolean alive() {
            return ALIVE.contains(state);
        }

        /** The Slurm column: the state, or {@code ENDED} when the queue no longer lists the task. */
        public String shown() {
            return state.isEmpty() ? "ENDED" : state;
        }
    }

    /**
     * Every point of the sweep folder {@code dir} that a recorded job array includes, by index; empty when
     * nothing was submitted or {@code squeue} is absent or fails. Never throws for Slurm's sake.
     */
    public static Map<Integer, Task> tasks(Path dir) throws IOException {
        Map<Integer, String> jobOf = submissions(dir);
        if (jobOf.isEmpty() || SlurmExecutor.onPath("squeue").isEmpty()) {
            return Map.of();
        }
        List<String> jobs = jobOf.values().stream().distinct().toList();
        Map<String, String> states = new LinkedHashMap<>();
        Optional<String> all =
                query(List.of("squeue", "-h", "-r", "-j", String.join(",", jobs), "-o", "%F %K %T"), dir);
        if (all.isPresent()) {
            parseSqueue(all.get(), states);
        } else {
            // squeue refuses the whole list when one job has left its memory: ask about each job alone, if
            // squeue answers at all (no controller: nothing is known)
            if (query(List.of("squeue", "-h", "--me", "-o", "%i"), dir).isEmpty()) {
                return Map.of();
            }
            for (String j : jobs) {
                query(List.of("squeue", "-h", "-r", "-j", j, "-o", "%F %K %T"), dir)
                        .ifPresent(o -> parseSqueue(o, states));
            }
        }
        if (SlurmExecutor.onPath("sacct").isPresent()) {
            query(List.of("sacct", "-n", "-P", "-X", "-j", String.join(",", jobs), "-o", "JobID,State"), dir)
                    .ifPresent(o -> parseSacct(o, states));
        }
        Map<Integer, Task> out = new TreeMap<>();
        jobOf.forEach((index, job) -> out.put(index, new Task(index, job, states.getOrDefault(job + "_" + index, ""))));
        return out;
    }

    /** The newest recorded job array that includes each index, from {@code slurm/jobs.tsv}. */
    static Map<Integer, String> submissions(Path dir) throws IOException {
        Path f = dir.resolve(SlurmExecutor.JOBS);
        Map<Integer, String> jobOf = new TreeMap<>();
        if (!Files.isRegularFile(f)) {
            return jobOf;
        }
        List<String> lines = Files.readAllLines(f);
        for (int i = 1; i < lines.size(); i++) {
            String[] fields = lines.get(i).split("\t", -1);
            if (fields.length < 2 || !fields[0].matches("[0-9]+")) {
                throw new IOException(
                        f + " line " + (i + 1) + ": expected job id, indices and time, found '" + lines.get(i) + "'");
            }
            for (int index : indices(fields[1], f, i + 1)) {
                jobOf.put(index, fields[0]);
            }
        }
        return jobOf;
    }

    /** The indices of an {@code --array} list such as {@code 0-2,5,7-9} (an optional {@code %K} ignored). */
    static List<Integer> indices(String array, Path file, int line) throws IOException {
        List<Integer> out = new ArrayList<>();
        String list = array.contains("%") ? array.substring(0, array.indexOf('%')) : array;
        for (String part : list.split(",")) {
            if (!part.matches("[0-9]{1,9}(-[0-9]{1,9})?")) {
                throw new IOException(file + " line " + line + ": '" + array + "' is not an array list like 0-2,5");
            }
            String[] ends = part.split("-");
            int a = Integer.parseInt(ends[0]);
            int b = ends.length == 2 ? Integer.parseInt(ends[1]) : a;
            for (int i = a; i <= b && i - a <= SweepSpec.MAX_POINTS; i++) {
                out.add(i);
            }
        }
        return out;
    }

    private static Optional<String> query(List<String> argv, Path dir) throws IOException {
        return SlurmExecutor.run(argv, dir, 20, false);
    }

    /** Lines of {@code ARRAY_JOB TASK STATE}; a whole pending array's line ({@code N/A} task) is skipped. */
    static void parseSqueue(String out, Map<String, String> states) {
        out.lines().forEach(l -> {
            String[] f = l.strip().split("\\s+");
            if (f.length == 3 && f[0].matches("[0-9]+") && f[1].matches("[0-9]+")) {
                states.put(f[0] + "_" + f[1], f[2]);
            }
        });
    }

    /** Lines of {@code JOB_TASK|STATE} ({@code CANCELLED by 0} is CANCELLED); squeue's answer wins. */
    static void parseSacct(String out, Map<String, String> states) {
        out.lines().forEach(l -> {
            String[] f = l.strip().split("\\|");
            if (f.length == 2 && f[0].matches("[0-9]+_[0-9]+") && !f[1].isBlank()) {
                states.putIfAbsent(f[0], f[1].strip().split("\\s+")[0]);
            }
        });
    }

    /**
     * The state to show for a point whose array task Slurm describes as {@code task}: a task waiting in the
     * queue (a requeued one too) shows PENDING; a RUNNING run whose task is not running shows KILLED once its
     * heartbeat is older than {@link #STALE} and STOPPING before (it is writing its last checkpoint), so that
     * a cancelled or preempted task never shows RUNNING.
     *
     * @param shown the state the run directory alone gives (a dead RUNNING run is KILLED)
     * @param raw the run's status as written, if it has one
     */
    public static String join(String shown, Optional<RunStatus> raw, Task task, Instant now) {
        if (shown.equals(RunState.COMPLETED.toString())) {
            return shown;
        }
        if (WAITING.contains(task.state())) {
            return "PENDING";
        }
        if (raw.isEmpty()
                || raw.get().state() != RunState.RUNNING
                || task.state().equals("RUNNING")) {
            return shown;
        }
        boolean stale = Duration.between(raw.get().heartbeatAt(), now).compareTo(STALE) > 0;
        return stale || shown.equals(RunState.KILLED.toString()) ? RunState.KILLED.toString() : "STOPPING";
    }
}

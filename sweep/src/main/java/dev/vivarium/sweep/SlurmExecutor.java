package dev.vivarium.sweep;

import dev.vivarium.store.io.AtomicFiles;
import dev.vivarium.store.run.RunDir;
import dev.vivarium.store.run.RunState;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

/**
 * Trains a sweep's points on a Slurm cluster: ONE job array, a task per point that has not completed, each task
 * a {@code sweep worker} that starts its point or resumes it from its newest checkpoint. The batch script
 * ({@code slurm/array.sbatch}) asks for {@code --requeue} and a warning signal before the time limit; on it the
 * script sends SIGTERM to its worker (which writes a checkpoint of its last step and stops KILLED), waits for
 * it, and requeues its own task, so the requeued task continues the same curve. Every submission is recorded in
 * {@code slurm/jobs.tsv} (job id, indices, time), which {@link SlurmQueue} reads to join the queue with the
 * run directories. Each task writes only its own run directory, under the run's lock.
 */
public final class SlurmExecutor {
    /** The batch script, under the sweep folder. */
    public static final String SCRIPT = "slurm/array.sbatch";

    /** The submissions, under the sweep folder: job id, array indices, submission time. */
    public static final String JOBS = "slurm/jobs.tsv";

    /** Seconds before the time limit at which Slurm sends the warning signal (USR1) to the batch script. */
    public static final int WARNING_SECONDS = 120;

    private SlurmExecutor() {}

    /**
     * The command an array task runs, to which the script appends {@code --index $SLURM_ARRAY_TASK_ID}:
     * {@code vivarium sweep worker SWEEP_DIR} in this JVM's java, options and classpath, or a test's main class.
     */
    @FunctionalInterface
    public interface TaskCommand {
        List<String> argv(Path sweepDir);
    }

    /**
     * One submission.
     *
     * @param jobId the array's job id as sbatch gave it
     * @param indices the points it runs, as in {@code --array} (without the {@code %K})
     */
    public record Submission(String jobId, String indices) {}

    /**
     * Expands and validates the spec, lays out its folder and submits one job array of every point that has not
     * completed; empty when there is nothing to submit.
     *
     * @param flags the command line's options, over the spec's {@code slurm:} block
     */
    public static Optional<Submission> submit(
            Path specFile, Path sweepsRoot, SlurmOptions flags, TaskCommand command, PrintStream notes)
            throws IOException {
        requireSbatch();
        SweepSpec spec = SpecReader.read(specFile);
        List<Point> points = Sweep.points(spec);
        SweepFolder folder = SweepFolder.forSpec(specFile, sweepsRoot);
        folder.prepare(specFile, points);
        return submit(folder, points, spec.slurm().overriddenBy(flags), command, notes);
    }

    /**
     * Submits a prepared sweep folder's points that have not completed and are not already queued or running in
     * one of its earlier job arrays, with the {@code slurm:} block of the folder's spec copy under {@code flags}.
     */
    public static Optional<Submission> resume(Path sweepDir, SlurmOptions flags, TaskCommand command, PrintStream notes)
            throws IOException {
        requireSbatch();
        SweepFolder folder = SweepFolder.at(sweepDir);
        List<Point> points = folder.points();
        Path copy = folder.root().resolve(SweepFolder.SPEC_COPY);
        SlurmOptions spec = Files.isRegularFile(copy) ? SpecReader.read(copy).slurm() : SlurmOptions.none();
        return submit(folder, points, spec.overriddenBy(flags), command, notes);
    }

    private static Optional<Submission> submit(
            SweepFolder folder, List<Point> points, SlurmOptions options, TaskCommand command, PrintStream notes)
            throws IOException {
        Map<Integer, SlurmQueue.Task> queued = SlurmQueue.tasks(folder.root());
        List<Integer> indices = new ArrayList<>();
        int skippedQueued = 0;
        for (Point p : points) {
            if (completed(folder.run(p.id()))) {
                continue;
            }
            SlurmQueue.Task t = queued.get(p.index());
            if (t != null && t.alive()) {
                skippedQueued++;
                continue;
            }
            indices.add(p.index());
        }
        folder.writeIndex(points);
        if (indices.isEmpty()) {
            notes.println("sweep " + folder.name() + ": nothing to submit ("
                    + (skippedQueued > 0 ? skippedQueued + " points queued or running, the rest " : "every point ")
                    + "completed)");
            return Optional.empty();
        }
        int cpus = options.cpusPerTask()
                .orElse(points.stream()
                        .filter(p -> indices.contains(p.index()))
                        .mapToInt(p -> p.recipe().threads())
                        .max()
                        .orElse(1));
        Path script = folder.root().resolve(SCRIPT);
        Files.createDirectories(script.getParent());
        Files.createDirectories(folder.root().resolve("logs"));
        AtomicFiles.writeString(script, script(folder, indices, options, cpus, command.argv(folder.root())));
        String out = run(List.of("sbatch", "--parsable", script.toString()), folder.root());
        String jobId =
                out.strip().lines().reduce((a, b) -> b).orElse("").split(";")[0].strip();
        if (!jobId.matches("[0-9]+")) {
            throw new SweepException("sbatch " + script + ": expected a job id, got '" + out.strip() + "'");
        }
        String array = arrayIndices(indices);
        recordJob(folder, jobId, array);
        notes.println("sweep " + folder.name() + ": submitted job array " + jobId + " (" + indices.size() + " of "
                + points.size() + " points: " + array
                + (skippedQueued > 0 ? "; " + skippedQueued + " already queued or running" : "") + "; logs: "
                + folder.root().resolve("logs") + "; status: vivarium sweep status " + folder.root() + ")");
        return Optional.of(new Submission(jobId, array));
    }

    /** Whether a point's run has completed (its status as written; anything unreadable has not). */
    static boolean completed(Path run) {
        try {
            return Files.isRegularFile(run.resolve("status.json"))
                    && RunDir.open(run).readStatus().state() == RunState.COMPLETED;
        } catch (IOException e) {
            return false;
        }
    }

    /** Fails with one line naming the missing command when {@code sbatch} is not on the PATH. */
    static void requireSbatch() {
        requireSbatch(System.getenv("PATH"));
    }

    static void requireSbatch(String path) {
        if (onPath("sbatch", path).isEmpty()) {
            throw new SweepException("--executor slurm: sbatch not found on PATH; run on a machine with Slurm's"
                    + " client commands (a login node), or train here with the local executor");
        }
    }

    /** The executable {@code name} in a directory of the PATH, if there is one. */
    static Optional<Path> onPath(String name) {
        return onPath(name, System.getenv("PATH"));
    }

    private static Optional<Path> onPath(String name, String path) {
        if (path == null) {
            return Optional.empty();
        }
        for (String dir : path.split(java.io.File.pathSeparator)) {
            if (dir.isEmpty()) {
                continue;
            }
            Path f = Path.of(dir, name);
            if (Files.isRegularFile(f) && Files.isExecutable(f)) {
                return Optional.of(f);
            }
        }
        return Optional.empty();
    }

    /** Sorted indices as Slurm's {@code --array} writes them: runs of consecutive ones as ranges, {@code 0-2,5,7-9}. */
    public static String arrayIndices(List<Integer> indices) {
        if (indices.isEmpty()) {
            throw new IllegalArgumentException("an array needs at least one index");
        }
        Set<Integer> sorted = new TreeSet<>(indices);
        StringBuilder b = new StringBuilder();
        Integer start = null;
        Integer last = null;
        for (int i : sorted) {
            if (i < 0) {
                throw new IllegalArgumentException("index " + i + ": an array index is at least 0");
            }
            if (last != null && i == last + 1) {
                last = i;
                continue;
            }
            range(b, start, last);
            start = i;
            last = i;
        }
        range(b, start, last);
        return b.toString();
    }

    private static void range(StringBuilder b, Integer start, Integer last) {
        if (start == null) {
            return;
        }
        if (b.length() > 0) {
            b.append(',');
        }
        b.append(start);
        if (!last.equals(start)) {
            b.append('-').append(last);
        }
    }

    /**
     * The batch script of one job array: its {@code #SBATCH} lines (array, requeue, warning signal, output, the
     * resources), then the worker started in the background so that the script's traps run while it trains.
     *
     * @param cpus the {@code --cpus-per-task} (the options' or the recipes' threads)
     * @param worker the worker's command, to which {@code --index $SLURM_ARRAY_TASK_ID} is appended
     */
    public static String script(
            SweepFolder folder, List<Integer> indices, SlurmOptions options, int cpus, List<String> worker) {
        StringBuilder b = new StringBuilder("#!/bin/bash\n");
        List<String> lines = new ArrayList<>();
        lines.add("--job-name=vivarium-" + folder.name().replaceAll("[^A-Za-z0-9_.\\-]", "_"));
        lines.add("--array=" + arrayIndices(indices)
                + options.maxRunning().stream()
                        .mapToObj(k -> "%" + k)
                        .findFirst()
                        .orElse(""));
        lines.add("--requeue");
        lines.add("--signal=B:USR1@" + WARNING_SECONDS);
        lines.add("--output=" + folder.root().resolve("logs").resolve("slurm-%A_%a.out"));
        lines.add("--open-mode=append");
        lines.add("--ntasks=1");
        lines.add("--cpus-per-task=" + cpus);
        options.time().ifPresent(t -> lines.add("--time=" + t));
        options.mem().ifPresent(m -> lines.add("--mem=" + m));
        options.partition().ifPresent(p -> lines.add("--partition=" + p));
        options.account().ifPresent(a -> lines.add("--account=" + a));
        options.sbatch().forEach(l -> lines.add(l.strip()));
        lines.forEach(l -> b.append("#SBATCH ").append(l).append('\n'));
        b.append("# written by vivarium for the sweep ")
                .append(folder.root())
                .append(": one task per point, each resuming its point from its newest checkpoint\n");
        b.append(
                """
                set -u
                pid=""
                stopped=""
                # the warning before the time limit: the worker writes a checkpoint of its step and stops, then
                # this task goes back to the queue and its next start continues the same curve
                warned() {
                  echo "vivarium: time limit near: stopping point ${SLURM_ARRAY_TASK_ID} at a checkpoint and requeueing it"
                  if [ -n "$pid" ]; then
                    kill -TERM "$pid" 2>/dev/null
                    wait "$pid"
                    stopped=$?
                  fi
                  scontrol requeue "${SLURM_ARRAY_JOB_ID}_${SLURM_ARRAY_TASK_ID}"
                }
                trap warned USR1
                # scancel, a requeue or a preemption: let the worker write its checkpoint before this script ends
                trap 'if [ -n "$pid" ]; then kill -TERM "$pid" 2>/dev/null; fi' TERM
                echo "vivarium: point ${SLURM_ARRAY_TASK_ID} of job ${SLURM_ARRAY_JOB_ID} on $(hostname) at $(date -u +%FT%TZ), restart ${SLURM_RESTART_COUNT:-0}"
                """);
        for (String w : worker) {
            b.append(quote(w)).append(' ');
        }
        b.append("--index \"$SLURM_ARRAY_TASK_ID\" &\n");
        b.append(
                """
                pid=$!
                wait "$pid"
                rc=$?
                # wait returns early when a trapped signal arrives: wait until the worker has really exited
                while kill -0 "$pid" 2>/dev/null; do
                  wait "$pid"
                  rc=$?
                done
                if [ -n "$stopped" ]; then
                  rc=$stopped
                fi
                echo "vivarium: point ${SLURM_ARRAY_TASK_ID}: worker exited with status $rc"
                exit "$rc"
                """);
        return b.toString();
    }

    /** One shell word: single-quoted, with any single quote closed, escaped and reopened. */
    static String quote(String word) {
        return "'" + word.replace("'", "'\\''") + "'";
    }

    /** Appends a submission to {@code slurm/jobs.tsv} by rewriting it atomically. */
    static void recordJob(SweepFolder folder, String jobId, String indices) throws IOException {
        Path f = folder.root().resolve(JOBS);
        String before = Files.isRegularFile(f) ? Files.readString(f) : "job\tindices\tsubmitted\n";
        AtomicFiles.writeString(f, before + jobId + "\t" + indices + "\t" + Instant.now() + "\n");
    }

    /**
     * Runs a Slurm command (no shell) in {@code dir} and returns its standard output; a failure, or no answer in
     * 60 s, is a one-line error with the command's first line of error output.
     */
    static String run(List<String> argv, Path dir) throws IOException {
        return run(argv, dir, 60, true).orElseThrow();
    }

    /**
     * Runs a command without a shell and returns its standard output. A failure or no answer in {@code seconds}
     * is empty when not {@code loud}, else a one-line error with the command's first line of error output.
     */
    static Optional<String> run(List<String> argv, Path dir, int seconds, boolean loud) throws IOException {
        Path out = Files.createTempFile("vivarium-slurm", ".out");
        Path err = Files.createTempFile("vivarium-slurm", ".err");
        String what = String.join(" ", argv);
        try {
            Process p;
            try {
                p = new ProcessBuilder(argv)
                        .directory(dir.toFile())
                        .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                        .redirectOutput(out.toFile())
                        .redirectError(err.toFile())
                        .start();
            } catch (IOException e) {
                if (loud) {
                    throw new SweepException(what + ": cannot start: " + e.getMessage(), e);
                }
                return Optional.empty();
            }
            if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                if (loud) {
                    throw new SweepException(what + ": no answer in " + seconds + " s");
                }
                return Optional.empty();
            }
            if (p.exitValue() != 0) {
                if (loud) {
                    String why =
                            Files.readString(err).strip().lines().findFirst().orElse("");
                    throw new SweepException(
                            what + ": exit status " + p.exitValue() + (why.isEmpty() ? "" : ": " + why));
                }
                return Optional.empty();
            }
            return Optional.of(Files.readString(out, StandardCharsets.UTF_8));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(what + ": interrupted", e);
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }
}

package dev.vivarium.store.run;

import dev.vivarium.store.io.AtomicFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A run as a directory, which is the truth about it:
 *
 * <pre>
 * runs/2025-01-31_modadd_s0/
 *   config.yaml            the resolved config
 *   status.json            {@link RunStatus}, rewritten atomically, refreshed by a {@link Heartbeat}
 *   metrics.jsonl          {@link MetricLog}
 *   split.safetensors      the train/test split
 *   checkpoints/step_00001000.safetensors        weights
 *   checkpoints/step_00001000.optim.safetensors  optimizer state
 *   analyses/              outputs of analyses
 * </pre>
 */
public final class RunDir {

    private static final Pattern CHECKPOINT = Pattern.compile("step_(\\d{8,19})\\.safetensors");

    private final Path root;
    private final Object statusLock = new Object();
    private MetricLog metrics; // created on first use, shared by all callers of metrics()

    private RunDir(Path root) {
        this.root = root;
    }

    /**
     * Creates a new run directory with {@code checkpoints/} and {@code analyses/}. The caller writes
     * {@code config.yaml} and the first status next.
     *
     * @throws IOException naming the path if it exists and is not an empty directory
     */
    public static RunDir create(Path dir) throws IOException {
        if (Files.exists(dir)) {
            if (!Files.isDirectory(dir)) {
                throw new IOException("cannot create run at " + dir + ": a file of that name exists");
            }
            try (Stream<Path> entries = Files.list(dir)) {
                if (entries.findAny().isPresent()) {
                    throw new IOException(
                            "cannot create run at " + dir
                                    + ": the directory exists and is not empty (choose a new run id, or resume with RunDir.open)");
                }
            }
        }
        RunDir run = new RunDir(dir);
        Files.createDirectories(run.checkpointsDir());
        Files.createDirectories(run.analysesDir());
        return run;
    }

    /**
     * Opens an existing run.
     *
     * @throws IOException naming what is missing: the directory or its {@code config.yaml}
     */
    public static RunDir open(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new IOException("no run at " + dir + ": the directory does not exist");
        }
        RunDir run = new RunDir(dir);
        if (!Files.isRegularFile(run.configFile())) {
            throw new IOException("not a run directory: " + run.configFile() + " is missing");
        }
        return run;
    }

    /** A view of {@code dir} without checks, for listing runs that may be broken. */
    static RunDir unchecked(Path dir) {
        return new RunDir(dir);
    }

    /** The run's directory. */
    public Path root() {
        return root;
    }

    /** The run's id: its directory name. */
    public String id() {
        return root.getFileName().toString();
    }

    public Path configFile() {
        return root.resolve("config.yaml");
    }

    public Path statusFile() {
        return root.resolve("status.json");
    }

    public Path metricsFile() {
        return root.resolve("metrics.jsonl");
    }

    public Path splitFile() {
        return root.resolve("split.safetensors");
    }

    public Path checkpointsDir() {
        return root.resolve("checkpoints");
    }

    public Path analysesDir() {
        return root.resolve("analyses");
    }

    /** {@code checkpoints/step_00001000.safetensors}: the step in 8 digits, more if it needs them. */
    public Path checkpointFile(long step) {
        return checkpointsDir().resolve(stepName(step) + ".safetensors");
    }

    /** {@code checkpoints/step_00001000.optim.safetensors}: optimizer state beside the weights. */
    public Path optimizerFile(long step) {
        return checkpointsDir().resolve(stepName(step) + ".optim.safetensors");
    }

    /** Steps that have a weights file, ascending; temporary and optimizer files are not checkpoints. */
    public List<Long> checkpointSteps() throws IOException {
        List<Long> steps = new ArrayList<>();
        for (long step : checkpointEntrySteps()) {
            if (Files.isRegularFile(checkpointFile(step))) {
                steps.add(step);
            }
        }
        return steps;
    }

    /**
     * Every step with an entry named like a weights file, whatever the entry is (a file, a directory, a
     * symbolic link), ascending: what a resume must look at and either use or say why it skipped.
     */
    public List<Long> checkpointEntrySteps() throws IOException {
        if (!Files.isDirectory(checkpointsDir())) {
            return List.of();
        }
        List<Long> steps = new ArrayList<>();
        try (Stream<Path> files = Files.list(checkpointsDir())) {
            for (Path f : (Iterable<Path>) files::iterator) {
                Matcher m = CHECKPOINT.matcher(f.getFileName().toString());
                if (m.matches()) {
                    try {
                        steps.add(Long.parseLong(m.group(1)));
                    } catch (NumberFormatException beyondLong) {
                        // not a name this class writes
                    }
                }
            }
        }
        steps.sort(null);
        return steps;
    }

    /** The newest checkpoint's step, if any. */
    public OptionalLong lastCheckpointStep() throws IOException {
        List<Long> steps = checkpointSteps();
        return steps.isEmpty() ? OptionalLong.empty() : OptionalLong.of(steps.get(steps.size() - 1));
    }

    /** Writes {@code config.yaml} atomically. */
    public void writeConfig(String yaml) throws IOException {
        AtomicFiles.writeString(configFile(), yaml);
    }

    /**
     * The status as written, without judging whether a RUNNING run is still alive (see {@link
     * #effectiveStatus}).
     *
     * @throws IOException naming the file if it is missing or corrupt
     */
    public RunStatus readStatus() throws IOException {
        return StatusJson.read(statusFile());
    }

    /** Replaces the status atomically. */
    public void writeStatus(RunStatus s) throws IOException {
        Objects.requireNonNull(s, "status");
        synchronized (statusLock) {
            AtomicFiles.writeString(statusFile(), StatusJson.format(s));
        }
    }

    /**
     * Reads, changes and writes the status as one step with respect to other writers through this
     * object (so a heartbeat cannot overwrite a final state written at the same moment). Nothing is
     * written if {@code change} returns its argument.
     *
     * @return the status now on disk
     */
    public RunStatus updateStatus(UnaryOperator<RunStatus> change) throws IOException {
        synchronized (statusLock) {
            RunStatus before = readStatus();
            RunStatus after = Objects.requireNonNull(change.apply(before), "changed status");
            if (after != before) {
                AtomicFiles.writeString(statusFile(), StatusJson.format(after));
            }
            return after;
        }
    }

    /**
     * The status as a reader should believe it. A RUNNING run is reported KILLED if it is on this host
     * and its process is gone, or if its heartbeat is older than {@code staleAfter}; any other status is
     * returned as read.
     */
    public RunStatus effectiveStatus(Duration staleAfter) throws IOException {
        return effective(readStatus(), staleAfter, Instant.now());
    }

    static RunStatus effective(RunStatus s, Duration staleAfter, Instant now) {
        if (s.state() != RunState.RUNNING) {
            return s;
        }
        boolean local = s.host().equals(LocalHost.name());
        if (local
                && s.pid() > 0
                && !ProcessHandle.of(s.pid()).map(ProcessHandle::isAlive).orElse(false)) {
            return s.withState(
                    RunState.KILLED,
                    Optional.of("no heartbeat since " + s.heartbeatAt() + " (process " + s.pid() + " on " + s.host()
                            + " is gone)"));
        }
        Duration silence = Duration.between(s.heartbeatAt(), now);
        if (silence.compareTo(staleAfter) > 0) {
            return s.withState(
                    RunState.KILLED,
                    Optional.of("no heartbeat since " + s.heartbeatAt() + " ("
                            + silence.toSeconds() + " s ago, more than " + staleAfter.toSeconds() + " s; process "
                            + s.pid()
                            + " on " + s.host() + " presumed dead)"));
        }
        return s;
    }

    /** The run's metric log; the same object on every call, so appends share one open file. */
    public synchronized MetricLog metrics() {
        if (metrics == null) {
            metrics = new MetricLog(metricsFile());
        }
        return metrics;
    }

    @Override
    public String toString() {
        return "RunDir[" + root + "]";
    }

    private static String stepName(long step) {
        if (step < 0) {
            throw new IllegalArgumentException("step must be >= 0, got " + step);
        }
        return String.format("step_%08d", step);
    }
}

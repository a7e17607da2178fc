package dev.vivarium.sweep;

import dev.vivarium.store.run.MetricLog;
import dev.vivarium.store.run.RunDir;
import dev.vivarium.store.run.RunStatus;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;

/**
 * What a sweep folder says about its points, read from the index for the points' overrides and from each
 * point's run directory (the truth) for its state and metrics: a status table and a CSV of one metric per point
 * with the axes as columns.
 */
public final class SweepReport {
    private SweepReport() {}

    /**
     * One point as its run directory describes it.
     *
     * @param id the point id
     * @param overrides the point's {@code key=value} overrides, in order
     * @param state its run's state as a reader should believe it (a dead RUNNING run is KILLED), or NOT_STARTED
     * @param step the last step reached, -1 if not started
     * @param run the run directory
     * @param slurm its array task's state in Slurm ({@code PENDING}, {@code RUNNING}, ...), or {@code -} when
     *     Slurm knows nothing of it (never submitted, or no {@code squeue})
     */
    public record Row(String id, Map<String, String> overrides, String state, long step, Path run, String slurm) {
        /** A row without a Slurm state. */
        public Row(String id, Map<String, String> overrides, String state, long step, Path run) {
            this(id, overrides, state, step, run, "-");
        }
    }

    /** Every point of the sweep folder {@code dir}, in the index's order, as its run directory says. */
    public static List<Row> rows(Path dir) throws IOException {
        return rows(dir, Map.of());
    }

    /**
     * Every point of the sweep folder {@code dir}, in the index's order, its run directory's state joined with
     * its array task's ({@link SlurmQueue#join}: a cancelled or preempted task never shows RUNNING).
     *
     * @param tasks the array tasks by point index ({@link SlurmQueue#tasks}); empty: the run directories alone
     */
    public static List<Row> rows(Path dir, Map<Integer, SlurmQueue.Task> tasks) throws IOException {
        List<Row> rows = new ArrayList<>();
        for (SweepFolder.Entry e : SweepFolder.at(dir).entries()) {
            Map<String, String> overrides = new LinkedHashMap<>();
            for (String kv : e.overrides()) {
                int eq = kv.indexOf('=');
                overrides.put(kv.substring(0, eq), kv.substring(eq + 1));
            }
            Path run = dir.resolve("runs").resolve(e.id());
            Optional<RunStatus> s = status(run);
            String state = state(s, run);
            SlurmQueue.Task task = tasks.get(e.index());
            String slurm = "-";
            if (task != null) {
                state = SlurmQueue.join(state, raw(run), task, java.time.Instant.now());
                slurm = task.shown();
            }
            rows.add(new Row(e.id(), overrides, state, s.map(RunStatus::step).orElse(-1L), run, slurm));
        }
        return rows;
    }

    /** A point's run status as a reader should believe it (a dead RUNNING run is KILLED); empty if unreadable. */
    static Optional<RunStatus> status(Path run) {
        if (!Files.isRegularFile(run.resolve("status.json"))) {
            return Optional.empty();
        }
        try {
            return Optional.of(RunDir.open(run).effectiveStatus(Duration.ofSeconds(30)));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** A point's run status as written, without judging it; empty if unreadable. */
    static Optional<RunStatus> raw(Path run) {
        if (!Files.isRegularFile(run.resolve("status.json"))) {
            return Optional.empty();
        }
        try {
            return Optional.of(RunDir.open(run).readStatus());
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** A point's state as a reader should believe it: its run's (a dead RUNNING run is KILLED), or why none. */
    static String state(Path run) {
        return state(status(run), run);
    }

    private static String state(Optional<RunStatus> status, Path run) {
        return status.map(x -> x.state().toString()).orElse(stateWithoutStatus(run));
    }

    /** The state shown for a point whose status cannot be read: not started, or broken. */
    static String stateWithoutStatus(Path run) {
        return Files.isRegularFile(run.resolve("status.json")) ? "BROKEN" : "NOT_STARTED";
    }

    /** The sweep's axes: every override key of any point, in first-seen order. */
    public static List<String> axes(List<Row> rows) {
        Set<String> keys = new LinkedHashSet<>();
        rows.forEach(r -> keys.addAll(r.overrides().keySet()));
        return List.copyOf(keys);
    }

    /** How a metric's series becomes one number per point. */
    public enum Reduce {
        FINAL,
        MIN,
        MAX
    }

    /** A point's metric, reduced over its logged rows; empty when the run has no such metric (yet). */
    public static OptionalDouble metric(Row row, String metric, Reduce reduce) throws IOException {
        if (!Files.isRegularFile(row.run().resolve("metrics.jsonl"))) {
            return OptionalDouble.empty();
        }
        OptionalDouble out = OptionalDouble.empty();
        for (Map<String, Double> r :
                new MetricLog(row.run().resolve("metrics.jsonl")).readValid().rows()) {
            Double v = r.get(metric);
            if (v == null || v.isNaN()) {
                continue;
            }
            out = switch (reduce) {
                case FINAL -> OptionalDouble.of(v);
                case MIN -> OptionalDouble.of(out.isPresent() ? Math.min(out.getAsDouble(), v) : v);
                case MAX -> OptionalDouble.of(out.isPresent() ? Math.max(out.getAsDouble(), v) : v);
            };
        }
        return out;
    }

    /** The CSV of {@code metric} per point: id, state, one column per axis, the metric (empty if absent). */
    public static String csv(List<Row> rows, String metric, Reduce reduce) throws IOException {
        List<String> axes = axes(rows);
        StringBuilder b = new StringBuilder("id,state");
        axes.forEach(a -> b.append(',').append(a));
        b.append(',')
                .append(metric)
                .append('_')
                .append(reduce.name().toLowerCase(Locale.ROOT))
                .append('\n');
        for (Row r : rows) {
            b.append(r.id()).append(',').append(r.state());
            for (String a : axes) {
                b.append(',').append(r.overrides().getOrDefault(a, ""));
            }
            OptionalDouble v = metric(r, metric, reduce);
            b.append(',')
                    .append(v.isPresent() ? Double.toString(v.getAsDouble()) : "")
                    .append('\n');
        }
        return b.toString();
    }
}

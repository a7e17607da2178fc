package dev.vivarium.app.web;

import dev.vivarium.app.query.CleanMetricLog;
import dev.vivarium.app.query.MetricValues;
import dev.vivarium.store.run.MetricLog;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A run's metric log as columns: the logged steps, and for each metric its value at every step (NaN where a
 * step did not log it), metrics in order of first appearance. A log that breaks in the middle gives the rows
 * before the break and the store's account of where it broke.
 *
 * @param steps the logged steps, ascending
 * @param columns each metric's values, one per step
 * @param problem where and why the log broke, naming the file and line, if it did
 */
public record MetricTable(long[] steps, Map<String, double[]> columns, Optional<String> problem) {
    /** Keeps the metrics' order. */
    public MetricTable {
        columns = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(columns));
    }

    /** The number of logged steps. */
    public int size() {
        return steps.length;
    }

    /** The steps as doubles, for drawing. */
    public double[] stepsAsDoubles() {
        double[] x = new double[steps.length];
        for (int i = 0; i < x.length; i++) {
            x[i] = steps[i];
        }
        return x;
    }

    /**
     * Reads {@code file}: with the query's fast reader when the log is clean, else with the store's, which says
     * where it broke.
     *
     * @param finished whether the run has completed (a torn last line is then damage, not a row being written)
     * @throws IOException if the file cannot be read at all
     */
    public static MetricTable read(Path file, boolean finished) throws IOException {
        return read(file, finished, null);
    }

    /**
     * As {@link #read(Path, boolean)}, keeping only the metrics in {@code only} (all if null): the others'
     * numbers are never parsed.
     */
    public static MetricTable read(Path file, boolean finished, java.util.Set<String> only) throws IOException {
        Optional<MetricValues> clean = CleanMetricLog.read(file);
        if (clean.isPresent()) {
            return of(clean.get(), Optional.empty(), only);
        }
        MetricLog.Contents c = new MetricLog(file).readValid();
        Optional<String> problem = c.problem();
        if (problem.isEmpty() && c.tornTailBytes() > 0 && finished) {
            problem = Optional.of(file + ": ends in a torn line (" + c.tornTailBytes()
                    + " bytes after the last newline) although the run has finished; that row is lost");
        }
        return of(MetricValues.of(c.rows()), problem, only);
    }

    private static MetricTable of(MetricValues v, Optional<String> problem, java.util.Set<String> only) {
        int n = v.size();
        long[] steps = new long[Math.max(16, n / Math.max(1, v.names().size()) + 1)];
        int rows = 0;
        int[] rowOf = new int[n];
        for (int i = 0; i < n; i++) {
            long s = v.step(i);
            if (rows == 0 || steps[rows - 1] != s) {
                if (rows == steps.length) {
                    steps = Arrays.copyOf(steps, rows * 2);
                }
                steps[rows++] = s;
            }
            rowOf[i] = rows - 1;
        }
        steps = Arrays.copyOf(steps, rows);
        List<double[]> cols = new ArrayList<>();
        for (int m = 0; m < v.names().size(); m++) {
            double[] c = null;
            if (only == null || only.contains(v.names().get(m))) {
                c = new double[rows];
                Arrays.fill(c, Double.NaN);
            }
            cols.add(c);
        }
        for (int i = 0; i < n; i++) {
            double[] c = cols.get(v.metric(i));
            if (c != null) {
                c[rowOf[i]] = v.value(i);
            }
        }
        Map<String, double[]> columns = new LinkedHashMap<>();
        for (int m = 0; m < cols.size(); m++) {
            if (cols.get(m) != null) {
                columns.put(v.names().get(m), cols.get(m));
            }
        }
        return new MetricTable(steps, columns, problem);
    }

    /** A small cache of tables by file, each kept while the file's size and modification time are unchanged. */
    static final class Cache {
        private final int capacity;
        private final Map<List<Object>, Object[]> entries;

        Cache(int capacity) {
            this.capacity = capacity;
            this.entries = new LinkedHashMap<>(16, 0.75f, true);
        }

        MetricTable get(Path file, boolean finished) throws IOException {
            return get(file, finished, null);
        }

        /** The table of {@code file} with only the metrics {@code only} (all if null), cached under both. */
        MetricTable get(Path file, boolean finished, java.util.Set<String> only) throws IOException {
            long[] stamp = stamp(file);
            List<Object> key = java.util.Arrays.asList(file, only);
            synchronized (this) {
                Object[] e = entries.get(key);
                if (e != null && Arrays.equals((long[]) e[0], stamp) && (Boolean) e[2] == finished) {
                    return (MetricTable) e[1];
                }
            }
            MetricTable t = read(file, finished, only);
            synchronized (this) {
                entries.put(key, new Object[] {stamp, t, finished});
                while (entries.size() > capacity) {
                    List<Object> eldest = entries.keySet().iterator().next();
                    entries.remove(eldest);
                }
            }
            return t;
        }

        private static long[] stamp(Path file) {
            try {
                var a = java.nio.file.Files.readAttributes(file, java.nio.file.attribute.BasicFileAttributes.class);
                return new long[] {a.size(), a.lastModifiedTime().to(java.util.concurrent.TimeUnit.NANOSECONDS)};
            } catch (IOException e) {
                return new long[] {-1, -1};
            }
        }
    }
}

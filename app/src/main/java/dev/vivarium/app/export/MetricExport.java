package dev.vivarium.app.export;

import dev.vivarium.app.query.QueryDatabase;
import dev.vivarium.app.query.ResultFormat;
import dev.vivarium.store.io.AtomicFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Writes one run's metric rows in another tool's format, each file atomically ({@link AtomicFiles}).
 *
 * <ul>
 *   <li>CSV and Parquet are wide, as the metric log is: a {@code step} column, then one column per metric in
 *       order of first appearance, one row per logged step, empty (NULL) where a step did not log a metric.
 *       CSV values are the shortest decimals that read back to the logged doubles ({@code NaN}, {@code
 *       Infinity} and {@code -Infinity} as Java writes them); Parquet columns are INT64 {@code step} and
 *       DOUBLE metrics, written by DuckDB.
 *   <li>TensorBoard: one event file per run, an event per (step, metric) with the metric's name as tag and
 *       its value as a float; wall time is the run's start plus the row's {@code wall_s} when it has one.
 * </ul>
 */
public final class MetricExport {
    private MetricExport() {}

    /** Writes {@code rows} to {@code file} as CSV (wide); returns the number of data rows. */
    public static int csv(Path file, List<Map<String, Double>> rows) throws IOException {
        List<String> columns = QueryDatabase.wideColumns(rows);
        AtomicFiles.write(file, out -> {
            StringBuilder b = new StringBuilder();
            for (int i = 0; i < columns.size(); i++) {
                b.append(i == 0 ? "" : ",").append(ResultFormat.csvField(columns.get(i)));
            }
            b.append('\n');
            for (Map<String, Double> row : rows) {
                b.append(row.get("step").longValue());
                for (String c : columns.subList(1, columns.size())) {
                    b.append(',');
                    Double v = row.get(c);
                    if (v != null) {
                        b.append(Double.toString(v));
                    }
                }
                b.append('\n');
                if (b.length() > 1 << 16) {
                    out.write(b.toString().getBytes(StandardCharsets.UTF_8));
                    b.setLength(0);
                }
            }
            out.write(b.toString().getBytes(StandardCharsets.UTF_8));
        });
        return rows.size();
    }

    /** Writes {@code rows} to {@code file} as Parquet (wide), through DuckDB; returns the number of rows. */
    public static int parquet(Path file, List<Map<String, Double>> rows) throws IOException {
        Path tmp = Files.createTempFile("vivarium-export-", ".parquet");
        try {
            try (QueryDatabase db = QueryDatabase.inMemory()) {
                db.createWide("export", rows);
                Files.delete(tmp); // DuckDB creates the file itself
                db.copyToParquet("export", tmp);
            } catch (SQLException e) {
                throw new IOException("cannot write Parquet for " + file + ": " + firstLine(e.getMessage()), e);
            }
            AtomicFiles.write(file, out -> Files.copy(tmp, out));
        } finally {
            Files.deleteIfExists(tmp);
        }
        return rows.size();
    }

    /**
     * Writes {@code rows} as a TensorBoard event file in {@code dir} (created if need be), named {@code
     * events.out.tfevents.<start seconds>.<host>}; returns the file.
     */
    public static Path tensorboard(Path dir, Instant started, String host, List<Map<String, Double>> rows)
            throws IOException {
        return tensorboard(dir, started, host, rows, null, null);
    }

    /**
     * As {@link #tensorboard(Path, Instant, String, List)}, with the HParams plugin's {@code session_start_info}
     * (at step 0, the run's start) before the scalars and its {@code session_end_info} after them, when given
     * ({@link HParams}).
     */
    public static Path tensorboard(
            Path dir,
            Instant started,
            String host,
            List<Map<String, Double>> rows,
            byte[] sessionStart,
            byte[] sessionEnd)
            throws IOException {
        Files.createDirectories(dir);
        Path file = dir.resolve("events.out.tfevents." + started.getEpochSecond() + "." + host);
        double start = started.getEpochSecond() + started.getNano() / 1e9;
        AtomicFiles.write(file, out -> {
            TfEvents.writeRecord(out, TfEvents.fileVersionEvent(start));
            if (sessionStart != null) {
                TfEvents.writeRecord(
                        out, TfEvents.pluginEvent(start, 0, HParams.SESSION_START_TAG, HParams.PLUGIN, sessionStart));
            }
            double last = start;
            long lastStep = 0;
            for (Map<String, Double> row : rows) {
                long step = row.get("step").longValue();
                Double wall = row.get("wall_s");
                double wallTime = wall != null && Double.isFinite(wall) ? start + wall : start;
                last = Math.max(last, wallTime);
                lastStep = step;
                for (Map.Entry<String, Double> e : row.entrySet()) {
                    if (!e.getKey().equals("step")) {
                        TfEvents.writeRecord(
                                out,
                                TfEvents.scalarEvent(
                                        wallTime, step, e.getKey(), e.getValue().floatValue()));
                    }
                }
            }
            if (sessionEnd != null) {
                TfEvents.writeRecord(
                        out, TfEvents.pluginEvent(last, lastStep, HParams.SESSION_END_TAG, HParams.PLUGIN, sessionEnd));
            }
        });
        return file;
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "no detail";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}

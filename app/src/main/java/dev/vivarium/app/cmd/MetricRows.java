package dev.vivarium.app.cmd;

import dev.vivarium.store.run.MetricLog;
import dev.vivarium.store.run.RunDir;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A run's metric rows as far as they can be read: all of them, or, when a line in the middle is corrupt,
 * the rows before it and the store's one-line account of where it broke ({@link MetricLog#readValid}).
 *
 * @param rows the rows before the first corrupt line, or all rows
 * @param problem where and why the log broke, naming the file and line, if it did
 */
record MetricRows(List<Map<String, Double>> rows, Optional<String> problem) {
    MetricRows {
        rows = List.copyOf(rows);
    }

    /** Reads the run's log; an error other than a bad line (say, an unreadable file) is thrown. */
    static MetricRows of(RunDir run) throws IOException {
        MetricLog.Contents c = run.metrics().readValid();
        return new MetricRows(c.rows(), c.problem());
    }
}

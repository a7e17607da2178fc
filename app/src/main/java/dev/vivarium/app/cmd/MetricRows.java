package dev.vivarium.app.cmd;

import dev.vivarium.store.run.MetricLog;
import dev.vivarium.store.run.RunDir;
import dev.vivarium.store.run.RunState;
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
        Optional<String> problem = c.problem();
        if (problem.isEmpty() && c.tornTailBytes() > 0 && finished(run)) {
            // a finished run forced its log to disk before saying so: a torn last line is damage, not a write
            problem = Optional.of(run.metricsFile() + ": ends in a torn line (" + c.tornTailBytes()
                    + " bytes after the last newline) although the run has finished; that row is lost");
        }
        return new MetricRows(c.rows(), problem);
    }

    private static boolean finished(RunDir run) {
        try {
            return run.readStatus().state() == RunState.COMPLETED;
        } catch (IOException e) {
            return false; // the status is reported by whoever reads it
        }
    }
}

package dev.vivarium.app.cmd;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vivarium.store.run.RunDir;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A run's metric rows as far as they can be read: all of them, or, when a line in the middle is corrupt,
 * the rows before it and the store's one-line account of where it broke.
 *
 * <p>Store reads the log and finds the bad line; the rows before it are re-read here line by line.
 * (Stopgap until store offers a reader that keeps the rows before the first bad line; then this class
 * only calls it.)
 *
 * @param rows the rows before the first corrupt line, or all rows
 * @param problem where and why the log broke, naming the file and line, if it did
 */
record MetricRows(List<Map<String, Double>> rows, Optional<String> problem) {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern LINE = Pattern.compile(" line (\\d+): ");

    MetricRows {
        rows = List.copyOf(rows);
    }

    /** Reads the run's log; an error other than a corrupt line (say, unreadable file) is thrown. */
    static MetricRows of(RunDir run) throws IOException {
        try {
            return new MetricRows(run.metrics().read(), Optional.empty());
        } catch (IOException e) {
            String message = String.valueOf(e.getMessage());
            Matcher m = LINE.matcher(message);
            if (!message.startsWith(run.metricsFile().toString()) || !m.find()) {
                throw e;
            }
            return new MetricRows(before(run, Long.parseLong(m.group(1))), Optional.of(message));
        }
    }

    /** The rows of the complete lines before line {@code bad} (1-based), which store has read without fault. */
    private static List<Map<String, Double>> before(RunDir run, long bad) throws IOException {
        List<Map<String, Double>> rows = new ArrayList<>();
        try (BufferedReader in = Files.newBufferedReader(run.metricsFile(), StandardCharsets.UTF_8)) {
            for (long n = 1; n < bad; n++) {
                String line = in.readLine();
                if (line == null) {
                    break;
                }
                if (!line.isBlank()) {
                    rows.add(row(JSON.readTree(line)));
                }
            }
        }
        return rows;
    }

    private static Map<String, Double> row(JsonNode o) {
        Map<String, Double> row = new LinkedHashMap<>();
        o.fields().forEachRemaining(e -> row.put(e.getKey(), value(e.getValue())));
        return Collections.unmodifiableMap(row);
    }

    /** A number, or the strings NaN, Infinity and -Infinity that the log writes for them. */
    private static double value(JsonNode v) {
        return v.isNumber() ? v.doubleValue() : Double.parseDouble(v.asText());
    }
}

package dev.vivarium.laws.runs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.vivarium.store.run.MetricLog;
import dev.vivarium.store.run.RunDir;
import dev.vivarium.store.run.RunIndex;
import dev.vivarium.store.run.RunState;
import dev.vivarium.store.run.RunStatus;
import dev.vivarium.store.run.RunSummary;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Runs read from a runs directory through store: each run's recipe and state from its status, its
 * resolved {@code config.yaml} flattened to dotted keys, and its metric log. A run counts as finished when
 * its state is {@link RunState#COMPLETED}.
 *
 * @param runsRoot the directory holding one folder per run
 */
public record StoreRunSource(Path runsRoot) implements RunSource {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    @Override
    public List<RunRecord> runs() {
        try {
            List<RunRecord> out = new ArrayList<>();
            for (RunSummary s : RunIndex.list(runsRoot)) {
                out.add(read(s.dir(), s.status()));
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list runs in " + runsRoot, e);
        }
    }

    /** Reads one run directory. */
    public static RunRecord read(Path dir) {
        try {
            RunDir run = RunDir.open(dir);
            return read(dir, run.readStatus());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read run " + dir, e);
        }
    }

    private static RunRecord read(Path dir, RunStatus status) throws IOException {
        RunDir run = RunDir.open(dir);
        Map<String, String> config = new TreeMap<>();
        if (Files.exists(run.configFile())) {
            flatten("", YAML.readTree(run.configFile().toFile()), config);
        }
        List<Map<String, Double>> metrics =
                Files.exists(run.metricsFile()) ? new MetricLog(run.metricsFile()).read() : List.of();
        return new RunRecord(run.id(), status.recipe(), config, status.state() == RunState.COMPLETED, metrics);
    }

    /** Flattens nested maps to dotted keys; lists keep their index ({@code layers.0}). */
    static void flatten(String prefix, JsonNode node, Map<String, String> out) {
        if (node == null || node.isNull()) {
            return;
        }
        if (node.isObject()) {
            node.fields()
                    .forEachRemaining(
                            e -> flatten(prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey(), e.getValue(), out));
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                flatten(prefix + "." + i, node.get(i), out);
            }
        } else {
            out.put(prefix, node.asText());
        }
    }
}

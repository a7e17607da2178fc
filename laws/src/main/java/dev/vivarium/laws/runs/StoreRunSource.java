package dev.vivarium.laws.runs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.vivarium.store.io.Problems;
import dev.vivarium.store.run.MetricLog;
import dev.vivarium.store.run.RunDir;
import dev.vivarium.store.run.RunState;
import dev.vivarium.store.run.RunStatus;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Runs read from a runs directory through store: each run's recipe, state and start time from its status,
 * its resolved {@code config.yaml} flattened to dotted keys, and its metric log. A run counts as finished
 * when its state is {@link RunState#COMPLETED}. A run whose files cannot be read is reported in
 * {@link #scan()} with one line naming the file, and skipped.
 *
 * @param runsRoot the directory holding one folder per run
 */
public record StoreRunSource(Path runsRoot) implements RunSource {
    /**
     * The quantity a run offers beside its config: its trainable parameter count, from its checkpoints'
     * metadata (the N of a scaling law).
     */
    public static final String PARAMETERS = "parameters";

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    @Override
    public List<RunRecord> runs() {
        return scan().runs();
    }

    @Override
    public Scan scan() {
        if (!Files.isDirectory(runsRoot)) {
            throw new IllegalArgumentException("runs directory " + runsRoot + " does not exist or is not a directory");
        }
        List<Path> dirs;
        try (Stream<Path> s = Files.list(runsRoot)) {
            dirs = s.filter(Files::isDirectory).sorted().toList();
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot list runs in " + runsRoot + ": " + e.getMessage());
        }
        List<RunRecord> runs = new ArrayList<>();
        List<Broken> broken = new ArrayList<>();
        for (Path dir : dirs) {
            if (!Files.exists(dir.resolve("status.json")) && !Files.exists(dir.resolve("metrics.jsonl"))) {
                continue; // not a run directory
            }
            try {
                runs.add(read(dir));
            } catch (IllegalStateException e) {
                broken.add(new Broken(dir.getFileName().toString(), e.getMessage()));
            }
        }
        return new Scan(runs, broken);
    }

    /**
     * Reads one run directory.
     *
     * @throws IllegalStateException with one line naming the run and the file (and line) at fault
     */
    public static RunRecord read(Path dir) {
        RunDir run;
        RunStatus status;
        try {
            run = RunDir.open(dir);
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException("run " + dir + " cannot be opened: " + firstLine(e));
        }
        try {
            status = run.readStatus();
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException(
                    "run " + dir + ": status file " + run.statusFile() + " cannot be read: " + firstLine(e));
        }
        Map<String, String> config = new TreeMap<>();
        if (Files.exists(run.configFile())) {
            try {
                flatten("", YAML.readTree(run.configFile().toFile()), config);
            } catch (IOException | RuntimeException e) {
                throw new IllegalStateException(
                        "run " + dir + ": config " + run.configFile() + " is not readable YAML: " + firstLine(e));
            }
        }
        if (!config.containsKey(PARAMETERS)) {
            parameters(run).ifPresent(n -> config.put(PARAMETERS, Long.toString(n)));
        }
        List<Map<String, Double>> metrics;
        if (Files.isDirectory(run.metricsFile())) {
            throw new IllegalStateException(
                    "run " + dir + ": metric log " + run.metricsFile() + " is a directory, not a file");
        }
        try {
            metrics = Files.exists(run.metricsFile()) ? new MetricLog(run.metricsFile()).read() : List.of();
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException(
                    "run " + dir + ": metric log " + run.metricsFile() + " cannot be read: " + firstLine(e));
        }
        return new RunRecord(
                run.id(), status.recipe(), config, status.state() == RunState.COMPLETED, status.startedAt(), metrics);
    }

    /**
     * The trainable parameter count its checkpoints record (their {@code parameters} metadata), read from the
     * header of the newest one; empty when the run has none that says.
     */
    static java.util.OptionalLong parameters(RunDir run) {
        try {
            List<Long> steps = run.checkpointSteps();
            for (int i = steps.size() - 1; i >= 0; i--) {
                String n = dev.vivarium.store.safetensors.Safetensors.read(run.checkpointFile(steps.get(i)))
                        .metadata()
                        .get(PARAMETERS);
                if (n != null && n.matches("[0-9]{1,18}")) {
                    return java.util.OptionalLong.of(Long.parseLong(n));
                }
            }
        } catch (IOException | RuntimeException e) {
            // a run whose checkpoints cannot be read has no recorded count; its other readers say why
        }
        return java.util.OptionalLong.empty();
    }

    private static String firstLine(Exception e) {
        return Problems.oneLine(e);
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

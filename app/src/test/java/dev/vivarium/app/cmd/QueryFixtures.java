package dev.vivarium.app.cmd;

import dev.vivarium.store.run.MetricLog;
import dev.vivarium.store.run.RunDir;
import dev.vivarium.store.run.RunState;
import dev.vivarium.store.run.RunStatus;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Random;

/**
 * Small runs for the query and export tests, written through store as training writes them: a config with a
 * learning rate, a width and a string; a status; a metric log of {@code rows} rows from a seeded generator,
 * with {@code grad_norm} missing at step 0 (as a real run logs it), a NaN and an infinity in {@code odd}, and
 * values of every magnitude.
 */
final class QueryFixtures {
    private QueryFixtures() {}

    static RunDir run(Path runs, String id, double lr, int width, RunState state, Instant heartbeat, int rows)
            throws IOException {
        RunDir run = RunDir.create(runs.resolve(id));
        run.writeConfig("name: fixture\nseed: " + width + "\nmodel:\n  dModel: " + width
                + "\n  act: relu\ntrain:\n  lr: " + lr + "\n  betas:\n  - 0.9\n  - 0.98\n  batchSize: null\n");
        run.writeStatus(new RunStatus(
                state,
                "fixture",
                state == RunState.RUNNING ? 4_000_000 : 0,
                "elsewhere",
                heartbeat.minusSeconds(100),
                heartbeat,
                10L * rows,
                10L * rows,
                Optional.empty()));
        Random rng = new Random(id.hashCode());
        try (MetricLog log = new MetricLog(run.metricsFile())) {
            for (int i = 0; i < rows; i++) {
                Map<String, Number> row = new LinkedHashMap<>();
                row.put("step", 10 * i);
                row.put("train_loss", Math.exp(-i * lr * 100) * 4.1 + rng.nextDouble() * 1e-3);
                row.put("test_acc", Math.min(1.0, i / (double) rows + rng.nextDouble() * 0.01));
                if (i > 0) {
                    row.put("grad_norm", rng.nextGaussian() * 1e-7);
                }
                row.put("odd", i == 1 ? Double.NaN : i == 2 ? Double.POSITIVE_INFINITY : rng.nextDouble() * 1e12);
                log.append(row);
            }
        }
        return run;
    }

    static RunDir completed(Path runs, String id, double lr, int width, int rows) throws IOException {
        return run(runs, id, lr, width, RunState.COMPLETED, Instant.now(), rows);
    }

    /** A sweep folder {@code sweeps/name} with the given runs (completed) and an index naming them. */
    static Path sweep(Path sweeps, String name, String... ids) throws IOException {
        Path folder =
                Files.createDirectories(sweeps.resolve(name).resolve("runs")).getParent();
        StringBuilder index = new StringBuilder("id\tstate\trun\toverrides\n");
        int i = 0;
        for (String id : ids) {
            completed(folder.resolve("runs"), id, 1e-3 * (i + 1), 32 + i, 4);
            index.append(id)
                    .append("\tCOMPLETED\truns/")
                    .append(id)
                    .append("\ttrain.lr=")
                    .append(1e-3 * (i + 1))
                    .append('\n');
            i++;
        }
        Files.writeString(folder.resolve("points.tsv"), index.toString());
        return folder;
    }
}

package dev.vivarium.app.web;

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

/**
 * Run directories and sweep folders for the dashboard's tests, written through store as training writes them:
 * a config, a status, a metric log with the columns a real run logs (losses, accuracies, learning rate,
 * gradient and weight norms, wall seconds).
 */
final class WebFixtures {
    private WebFixtures() {}

    /**
     * A run {@code id} under {@code root} logging {@code rows} rows at steps 0, 10, ...; its losses fall as
     * {@code scale / (1 + step / 100)}; its config has {@code train.lr: lr} and {@code name: recipe}.
     */
    static RunDir run(Path root, String id, String recipe, double lr, double scale, RunState state, int rows)
            throws IOException {
        RunDir run = RunDir.create(root.resolve(id));
        run.writeConfig("name: '" + recipe.replace("'", "''") + "'\nseed: 0\ntrain:\n  lr: " + lr + "\n  steps: "
                + 10L * rows + "\nmodel:\n  dModel: 32\n");
        Instant started = Instant.parse("2026-01-01T00:00:00Z").plusSeconds((long) (lr * 1e6));
        run.writeStatus(new RunStatus(
                state,
                recipe,
                state == RunState.RUNNING ? ProcessHandle.current().pid() : 0,
                RunStatus.startingNow(recipe, 0).host(),
                started,
                state == RunState.RUNNING ? Instant.now() : started.plusSeconds(rows),
                10L * (rows - 1),
                10L * (rows - 1),
                Optional.empty()));
        try (MetricLog log = new MetricLog(run.metricsFile())) {
            for (int i = 0; i < rows; i++) {
                long step = 10L * i;
                Map<String, Number> row = new LinkedHashMap<>();
                row.put("step", step);
                row.put("train_loss", scale / (1 + step / 100.0));
                row.put("test_loss", 2 * scale / (1 + step / 200.0));
                row.put("train_acc", Math.min(1.0, step / 500.0));
                row.put("test_acc", Math.min(1.0, step / 1000.0));
                row.put("lr", lr);
                if (i > 0) {
                    row.put("grad_norm", 1.0 / (1 + i));
                }
                row.put("weight_norm", 10 + i * 0.01);
                row.put("norm.embed.W_E", 5 + i * 0.005);
                row.put("wall_s", 0.5 * i + 0.1);
                log.append(row);
            }
        }
        return run;
    }

    /** A completed run. */
    static RunDir run(Path root, String id, double lr, int rows) throws IOException {
        return run(root, id, "fixture", lr, 4.0, RunState.COMPLETED, rows);
    }

    /**
     * A sweep folder {@code sweeps/name} over {@code train.lr} x {@code train.weightDecay} x 2 seeds, each point
     * a completed run whose final test accuracy is {@code lr * 100 + wd} (so a test can tell the cells apart).
     */
    static Path sweep(Path sweeps, String name, double[] lrs, double[] wds) throws IOException {
        Path folder =
                Files.createDirectories(sweeps.resolve(name).resolve("runs")).getParent();
        StringBuilder index = new StringBuilder("id\tstate\trun\toverrides\n");
        int k = 0;
        for (double lr : lrs) {
            for (double wd : wds) {
                for (int seed = 0; seed < 2; seed++) {
                    String id = String.format("%012x", 0xabc000 + k++); // a point id: 12 hex digits
                    RunDir run = run(folder.resolve("runs"), id, lr, 5);
                    try (MetricLog log = new MetricLog(run.metricsFile())) {
                        Map<String, Number> row = new LinkedHashMap<>();
                        row.put("step", 1000);
                        row.put("test_acc", lr * 100 + wd + seed * 0.001);
                        log.append(row);
                    }
                    index.append(id)
                            .append("\tCOMPLETED\truns/")
                            .append(id)
                            .append("\ttrain.lr=")
                            .append(lr)
                            .append(" train.weightDecay=")
                            .append(wd)
                            .append(" seed=")
                            .append(seed)
                            .append('\n');
                }
            }
        }
        Files.writeString(folder.resolve("points.tsv"), index.toString());
        return folder;
    }
}

package dev.vivarium.app.cmd;

import dev.vivarium.store.run.MetricLog;
import dev.vivarium.store.run.RunDir;
import dev.vivarium.store.run.RunState;
import dev.vivarium.store.run.RunStatus;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** Run directories written through store, as a finished training would leave them (no checkpoints). */
final class Fixtures {
    private Fixtures() {}

    /**
     * A completed run {@code id} started {@code startedAt}, logging at steps 10, 20, ..., 10 * rows with
     * train_loss = 1 / step and test_acc = step / (10 * rows).
     */
    static RunDir completedRun(Path runs, String id, Instant startedAt, int rows) throws IOException {
        RunDir run = RunDir.create(runs.resolve(id));
        run.writeConfig("name: fixture\n");
        run.writeStatus(new RunStatus(
                RunState.COMPLETED,
                "fixture",
                0,
                "nowhere",
                startedAt,
                startedAt,
                10L * rows,
                10L * rows,
                Optional.empty()));
        try (MetricLog log = new MetricLog(run.metricsFile())) {
            for (int i = 1; i <= rows; i++) {
                Map<String, Number> row = new LinkedHashMap<>();
                row.put("step", 10 * i);
                row.put("train_loss", 1.0 / (10 * i));
                row.put("test_loss", 2.0 / (10 * i));
                row.put("train_acc", 1.0);
                row.put("test_acc", (double) i / rows);
                log.append(row);
            }
        }
        return run;
    }
}

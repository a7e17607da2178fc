package dev.vivarium.laws.runs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vivarium.store.run.MetricLog;
import dev.vivarium.store.run.RunDir;
import dev.vivarium.store.run.RunState;
import dev.vivarium.store.run.RunStatus;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StoreRunSourceTest {

    @Test
    void readsRecipeStateFlattenedConfigAndMetrics(@TempDir Path runs) throws Exception {
        RunDir run = RunDir.create(runs.resolve("run-1"));
        run.writeConfig("recipe: modular-addition\nmodel:\n  d_model: 128\n  n_heads: 4\ntrain:\n  weight_decay: 1.0\n"
                + "parameters: 200000\ntokens: 1.0e6\n");
        RunStatus s = RunStatus.startingNow("modular-addition", 100).withState(RunState.COMPLETED, Optional.empty());
        run.writeStatus(s);
        try (MetricLog log = new MetricLog(run.metricsFile())) {
            log.append(Map.of("step", 0, "train_loss", 4.0, "test_acc", 0.01));
            log.append(Map.of("step", 100, "train_loss", 0.5, "test_acc", 0.99));
        }
        List<RunRecord> all = new StoreRunSource(runs).runs();
        assertEquals(1, all.size());
        RunRecord r = all.get(0);
        assertEquals("run-1", r.id());
        assertEquals("modular-addition", r.recipe());
        assertTrue(r.finished());
        assertEquals("128", r.config().get("model.d_model"));
        assertEquals(128, r.quantity("model.d_model"));
        assertEquals(6 * 200000 * 1.0e6, r.quantity("flops"));
        assertEquals(0.99, r.quantity("test_acc"));
        assertEquals(
                List.of(0.0, 100.0),
                java.util.Arrays.stream(r.series("train_loss").x()).boxed().toList());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> r.quantity("width"));
        assertTrue(e.getMessage().startsWith("run run-1 has no config value or metric 'width'"), e.getMessage());
    }

    @Test
    void aBrokenRunIsReportedWithItsFileAndSkipped(@TempDir Path runs) throws Exception {
        RunDir good = RunDir.create(runs.resolve("good"));
        good.writeConfig("name: r\n");
        good.writeStatus(RunStatus.startingNow("r", 10).withState(RunState.COMPLETED, Optional.empty()));
        RunDir bad = RunDir.create(runs.resolve("bad"));
        bad.writeConfig("name: r\n");
        bad.writeStatus(RunStatus.startingNow("r", 10).withState(RunState.COMPLETED, Optional.empty()));
        java.nio.file.Files.writeString(bad.metricsFile(), "{\"step\": 0}\n{\"step\": x}\n");
        RunSource.Scan scan = new StoreRunSource(runs).scan();
        assertEquals(
                List.of("good"),
                scan.runs().stream().map(RunRecord::id).toList(),
                scan.broken().toString());
        assertEquals(1, scan.broken().size());
        assertEquals("bad", scan.broken().get(0).id());
        assertTrue(
                scan.broken()
                        .get(0)
                        .reason()
                        .startsWith("run " + runs.resolve("bad") + ": metric log " + bad.metricsFile()
                                + " cannot be read: " + bad.metricsFile() + " line 2"),
                scan.broken().get(0).reason());
        assertEquals(s0(good), new StoreRunSource(runs).runs().get(0).startedAt());
    }

    private static java.time.Instant s0(RunDir run) throws Exception {
        return run.readStatus().startedAt();
    }
}

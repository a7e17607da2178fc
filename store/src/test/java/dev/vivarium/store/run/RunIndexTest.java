package dev.vivarium.store.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunIndexTest {

    @TempDir
    Path root;

    @Test
    void listsGoodAndBrokenRunsNewestFirst() throws IOException {
        Instant now = Instant.now();
        RunDir live = RunDir.create(root.resolve("b_live"));
        live.writeStatus(new RunStatus(
                RunState.RUNNING,
                "modadd.yaml",
                ProcessHandle.current().pid(),
                LocalHost.name(),
                now.minusSeconds(30),
                now,
                20,
                100,
                Optional.empty()));
        try (MetricLog log = live.metrics()) {
            log.append(Map.of("step", 10, "loss", 2.0));
            log.append(Map.of("step", 20, "loss", 1.5));
        }

        RunDir dead = RunDir.create(root.resolve("a_dead"));
        dead.writeStatus(new RunStatus(
                RunState.RUNNING,
                "parity.yaml",
                1,
                "elsewhere",
                now.minusSeconds(7200),
                now.minusSeconds(3600),
                5,
                100,
                Optional.empty()));

        RunDir corrupt = RunDir.create(root.resolve("c_corrupt"));
        Files.writeString(corrupt.statusFile(), "{\"state\": \"RUNNI");
        Files.setLastModifiedTime(corrupt.statusFile(), FileTime.from(now.minusSeconds(60)));

        Files.createDirectories(root.resolve("d_no_status"));
        Files.writeString(root.resolve("notes.txt"), "not a run");

        List<RunSummary> runs = RunIndex.list(root);

        assertEquals(
                List.of("b_live", "c_corrupt", "a_dead"),
                runs.stream().map(RunSummary::id).toList());
        RunSummary first = runs.get(0);
        assertEquals(RunState.RUNNING, first.status().state());
        assertEquals(Optional.of(Map.of("step", 20.0, "loss", 1.5)), first.lastMetrics());
        assertEquals(root.resolve("b_live"), first.dir());

        RunSummary broken = runs.get(1);
        assertEquals(RunState.FAILED, broken.status().state());
        String message = broken.status().message().orElseThrow();
        assertTrue(message.startsWith("unreadable run: " + corrupt.statusFile() + ": corrupt run status"), message);
        assertEquals(Optional.empty(), broken.lastMetrics());

        RunSummary stale = runs.get(2);
        assertEquals(RunState.KILLED, stale.status().state());
        assertEquals(Optional.empty(), stale.lastMetrics());
    }

    @Test
    void corruptMetricsDoNotHideTheRun() throws IOException {
        RunDir run = RunDir.create(root.resolve("r"));
        run.writeStatus(new RunStatus(
                RunState.COMPLETED, "x.yaml", 1, "h", Instant.EPOCH, Instant.EPOCH, 1, 1, Optional.of("done")));
        Files.writeString(run.metricsFile(), "{\"step\": [1]}\n");
        RunSummary s = RunIndex.list(root).get(0);
        assertEquals(RunState.COMPLETED, s.status().state());
        assertTrue(
                s.status().message().orElseThrow().startsWith("metrics unreadable: "),
                s.status().message().get());
        assertTrue(
                s.status().message().get().endsWith("; done"),
                s.status().message().get());
    }

    @Test
    void missingRootIsNamed() {
        NoSuchFileException e = assertThrows(NoSuchFileException.class, () -> RunIndex.list(root.resolve("runs")));
        assertEquals(root.resolve("runs") + ": runs directory does not exist", e.getMessage());
    }
}

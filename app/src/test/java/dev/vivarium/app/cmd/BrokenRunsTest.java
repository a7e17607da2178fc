package dev.vivarium.app.cmd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vivarium.store.run.MetricLog;
import dev.vivarium.store.run.RunDir;
import dev.vivarium.store.run.RunState;
import dev.vivarium.store.run.RunStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A broken run gives one line naming the file (and line), never a stack trace; commands over many skip it. */
class BrokenRunsTest {

    private static RunDir goodRun(Path runs, String id, double lossAt1000) throws Exception {
        RunDir run = RunDir.create(runs.resolve(id));
        run.writeConfig("name: sweep\nmodel:\n  dModel: " + (id.hashCode() % 7 + 8) + "\n");
        run.writeStatus(RunStatus.startingNow("sweep", 1000).withState(RunState.COMPLETED, Optional.empty()));
        try (MetricLog log = new MetricLog(run.metricsFile())) {
            log.append(Map.of("step", 0, "test_loss", 5.0, "train_acc", 0.1));
            log.append(Map.of("step", 1000, "test_loss", lossAt1000, "train_acc", 1.0));
        }
        return run;
    }

    @Test
    void detectNamesTheCorruptLineOfAMetricLog(@TempDir Path runs) throws Exception {
        RunDir run = goodRun(runs, "bad", 1.0);
        Files.writeString(
                run.metricsFile(), "{\"step\": 2000, \"test_loss\": oops}\n", java.nio.file.StandardOpenOption.APPEND);
        String[] r = Cli.run("detect", "bad", "--runs", runs.toString());
        assertEquals("1", r[0], "broken data on disk: exit 1");
        assertEquals(1, r[2].lines().count(), r[2]);
        assertTrue(
                r[2].startsWith("error: run " + runs.resolve("bad") + ": metric log " + run.metricsFile()
                        + " cannot be read: "),
                r[2]);
        assertTrue(r[2].contains("line 3"), r[2]);
    }

    @Test
    void detectNamesAMissingStatusFileAndAMetricLogThatIsADirectory(@TempDir Path runs) throws Exception {
        RunDir run = goodRun(runs, "nostatus", 1.0);
        Files.delete(run.statusFile());
        String[] r = Cli.run("detect", "nostatus", "--runs", runs.toString());
        assertEquals("1", r[0], "broken data on disk: exit 1");
        assertEquals(1, r[2].lines().count(), r[2]);
        assertTrue(
                r[2].startsWith("error: run " + runs.resolve("nostatus") + ": status file " + run.statusFile()
                        + " cannot be read: "),
                r[2]);

        RunDir dir = goodRun(runs, "dirlog", 1.0);
        Files.delete(dir.metricsFile());
        Files.createDirectory(dir.metricsFile());
        String[] d = Cli.run("detect", "dirlog", "--runs", runs.toString());
        assertEquals("1", d[0], "broken data on disk: exit 1");
        assertEquals("error: " + dir.metricsFile() + ": is a directory, expected a regular file\n", d[2]);
    }

    @Test
    void fitOverRunsReportsABrokenRunAndSkipsIt(@TempDir Path runs) throws Exception {
        for (int i = 0; i < 4; i++) {
            RunDir run = RunDir.create(runs.resolve("w" + i));
            run.writeConfig("width: " + (16 << i) + "\n");
            run.writeStatus(RunStatus.startingNow("sweep", 1000).withState(RunState.COMPLETED, Optional.empty()));
            try (MetricLog log = new MetricLog(run.metricsFile())) {
                log.append(Map.of("step", 1000, "test_loss", 0.3 + 5 / Math.sqrt(16 << i)));
            }
        }
        RunDir broken = RunDir.create(runs.resolve("w9"));
        broken.writeConfig("width: 9999\n");
        broken.writeStatus(RunStatus.startingNow("sweep", 1000).withState(RunState.COMPLETED, Optional.empty()));
        Files.writeString(broken.metricsFile(), "not json\n");
        String[] r = Cli.run("fit", "--runs", runs.toString(), "--x", "width", "--bootstrap", "20");
        assertEquals("0", r[0], r[2]);
        assertTrue(r[1].contains("L(width) fitted to 4 points"), r[1]);
        assertTrue(r[2].startsWith("warning: skipped run w9: run " + runs.resolve("w9") + ": metric log "), r[2]);
        assertEquals(1, r[2].lines().count(), r[2]);
    }
}

package dev.vivarium.app.cmd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vivarium.store.run.MetricLog;
import dev.vivarium.store.run.RunDir;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Commands that scan many runs name each broken run on one line and go on with the others. */
class RunScanTest {

    @Test
    void fitAcrossRunsSkipsTheBrokenOnesAndFitsTheRest(@TempDir Path runs) throws IOException {
        // six runs on the exact law test_loss = 1 + 2 / width^0.5
        int[] widths = {4, 8, 16, 32, 64, 128};
        for (int i = 0; i < widths.length; i++) {
            RunDir run = Fixtures.completedRun(runs, "w" + widths[i], Instant.ofEpochSecond(i), 3);
            run.writeConfig("name: fixture\nmodel:\n  dModel: " + widths[i] + "\n");
            try (MetricLog log = new MetricLog(run.metricsFile())) {
                log.append(Map.of("step", 1000, "test_loss", 1 + 2 / Math.sqrt(widths[i])));
            }
        }
        Files.delete(Fixtures.completedRun(runs, "lost-config", Instant.ofEpochSecond(10), 3)
                .configFile());
        RunDir torn = Fixtures.completedRun(runs, "torn", Instant.ofEpochSecond(11), 3);
        torn.writeConfig("name: fixture\nmodel:\n  dModel: 256\n");
        // a corrupt first line: the index (which reads the last line) lists the run; reading it all fails
        Files.writeString(torn.metricsFile(), "{\"step\":10,\"test_loss\":oops}\n{\"step\":20,\"test_loss\":1.0}\n");

        String[] r = Cli.run(
                "fit", "--runs", runs.toString(), "--x", "model.dModel", "--huber", "Infinity", "--bootstrap", "50");
        assertEquals("0", r[0], r[2]);
        assertEquals(
                List.of(
                        "warning: skipped run lost-config: run " + runs.resolve("lost-config") + " cannot be opened:"
                                + " not a run directory: " + runs.resolve("lost-config/config.yaml") + " is missing",
                        "warning: skipped run torn: run " + runs.resolve("torn") + ": metric log " + torn.metricsFile()
                                + " cannot be read: " + torn.metricsFile()
                                + " line 1: corrupt metric row: not valid JSON: Unrecognized"
                                + " token 'oops': was expecting (JSON String, Number, Array, Object or token 'null',"
                                + " 'true' or 'false')"),
                r[2].lines().toList());
        assertTrue(r[1].contains("fitted to 6 points"), r[1]);
        Matcher alpha = Pattern.compile("alpha\\s+([0-9.]+)").matcher(r[1]);
        assertTrue(alpha.find(), r[1]);
        assertEquals(0.5, Double.parseDouble(alpha.group(1)), 0.01);
    }
}

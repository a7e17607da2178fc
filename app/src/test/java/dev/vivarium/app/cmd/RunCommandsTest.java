package dev.vivarium.app.cmd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vivarium.app.Version;
import dev.vivarium.store.run.RunDir;
import dev.vivarium.store.safetensors.Safetensors;
import dev.vivarium.store.safetensors.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code runs}, {@code show} and {@code plot}: how a run is named, how broken runs are reported. */
class RunCommandsTest {
    @TempDir
    Path runs;

    /** exp-1 (oldest), other, exp-10, and the newest, zz, which has lost its config. */
    @BeforeEach
    void fourRuns() throws IOException {
        Fixtures.completedRun(runs, "exp-1", Instant.parse("2026-01-01T00:00:00Z"), 3);
        Fixtures.completedRun(runs, "other", Instant.parse("2026-01-02T00:00:00Z"), 3);
        Fixtures.completedRun(runs, "exp-10", Instant.parse("2026-01-03T00:00:00Z"), 3);
        Files.delete(Fixtures.completedRun(runs, "zz", Instant.parse("2026-01-04T00:00:00Z"), 3)
                .configFile());
    }

    private String[] show(String run) {
        return Cli.run("show", run, "--runs", runs.toString());
    }

    @Test
    void aRunIsNamedByItsIdAUniquePrefixOrLatest() {
        assertTrue(show("exp-1")[1].startsWith("exp-1  COMPLETED"), "an exact id wins over longer ids it begins");
        assertTrue(show("oth")[1].startsWith("other  COMPLETED"));
        assertTrue(show("latest")[1].startsWith("exp-10  COMPLETED"), "the newest run that is not broken");
        assertTrue(show(runs.resolve("other").toString())[1].startsWith("other  COMPLETED"), "a path");
        String[] ambiguous = show("exp-");
        assertEquals("2", ambiguous[0]);
        assertEquals(
                "error: run id prefix 'exp-' is ambiguous under " + runs.toAbsolutePath()
                        + ": it starts exp-1, exp-10 (give more of the id)",
                ambiguous[2].strip());
    }

    @Test
    void runsListsTheGoodRunsNewestFirstAndNamesTheBrokenOne() {
        String[] r = Cli.run("runs", "--runs", runs.toString());
        assertEquals("0", r[0], r[2]);
        List<String> ids = new ArrayList<>();
        r[1].lines().skip(1).filter(l -> !l.isBlank()).forEach(l -> ids.add(l.split("\\s+")[0]));
        assertEquals(List.of("exp-10", "other", "exp-1"), ids);
        assertEquals(
                List.of("warning: skipped run zz: " + runs.resolve("zz/config.yaml")
                        + ": not found (every run directory has its resolved config)"),
                r[2].lines().toList());
    }

    @Test
    void showAndPlotKeepTheRowsBeforeACorruptLineAndSayWhereItBroke() throws IOException {
        RunDir run = Fixtures.completedRun(runs, "torn", Instant.parse("2026-01-05T00:00:00Z"), 5);
        List<String> lines = new ArrayList<>(Files.readAllLines(run.metricsFile()));
        lines.set(2, "{\"step\":30,\"train_loss\":oops}");
        Files.write(run.metricsFile(), lines);

        String[] r = show("torn");
        assertEquals("0", r[0], r[2]);
        // the fixture's row 2: step 20, train_loss 1/20, test_acc 2/5
        assertTrue(
                r[1].contains("last logged: step=20 train_loss=0.050000 test_loss=0.10000 train_acc=1.0000"
                        + " test_acc=0.40000"),
                r[1]);
        assertTrue(
                r[1].contains("metric log broken after 2 rows: " + run.metricsFile() + " line 3: corrupt metric row"),
                r[1]);

        Path png = runs.resolve("torn.png");
        String[] p = Cli.run("plot", "torn", "--runs", runs.toString(), "--out", png.toString());
        assertEquals("0", p[0], p[2]);
        assertTrue(Files.size(png) > 1000);
        assertTrue(
                p[2].startsWith("warning: plotted the 2 rows before the break: " + run.metricsFile() + " line 3"),
                p[2]);
    }

    @Test
    void aFinishedRunWhoseLogEndsInATornLineSaysSo() throws IOException {
        RunDir run = Fixtures.completedRun(runs, "torn-tail", Instant.parse("2026-01-06T00:00:00Z"), 5);
        Files.writeString(run.metricsFile(), "{\"step\":60,\"train_lo", java.nio.file.StandardOpenOption.APPEND);
        String[] r = show("torn-tail");
        assertEquals("0", r[0], r[2]);
        assertTrue(
                r[1].contains(run.metricsFile() + ": ends in a torn line (" + "{\"step\":60,\"train_lo".length()
                        + " bytes after the last newline) although the run has finished"),
                r[1]);
    }

    @Test
    void showSaysWhichVersionMadeTheRun() throws IOException {
        RunDir run = RunDir.open(runs.resolve("other"));
        assertTrue(show("other")[1].contains("made by: unknown (no checkpoint yet)"));
        Safetensors.write(
                run.checkpointFile(30),
                Map.of("w", Tensor.ofInts(new long[] {1}, new int[] {7})),
                Map.of("step", "30", "vivarium_version", Version.current()));
        String out = show("other")[1];
        assertTrue(
                out.contains("made by: vivarium " + Version.current() + " (checkpoints/step_00000030.safetensors)"),
                out);
        assertFalse(out.contains("error"), out);
    }
}

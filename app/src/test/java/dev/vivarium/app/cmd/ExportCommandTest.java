package dev.vivarium.app.cmd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vivarium.app.query.QueryDatabase;
import dev.vivarium.app.query.QueryResult;
import dev.vivarium.store.run.MetricLog;
import dev.vivarium.store.run.RunDir;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code vivarium export}: CSV and Parquet read back equal to the run's metric log, value for value;
 * TensorBoard event files checked by an independent reader (tools/oracle/tfevents_check.py: its own CRC-32C,
 * protobuf's decoder), which needs Debian's python3-protobuf: skipped without it unless
 * VIVARIUM_REQUIRE_PROTOBUF is set (CI sets it). A sweep folder exports each of its runs; a run that does not
 * exist is one error line.
 */
class ExportCommandTest {
    private static final Path PYTHON = Path.of("/usr/bin/python3");

    @TempDir
    static Path dir;

    static Path runs;
    static RunDir run;

    @BeforeAll
    static void make() throws IOException {
        runs = Files.createDirectories(dir.resolve("runs"));
        run = QueryFixtures.completed(runs, "exported", 3e-3, 64, 25);
    }

    private static List<Map<String, Double>> log() throws IOException {
        return new MetricLog(run.metricsFile()).read();
    }

    @Test
    void csvHoldsEveryLoggedValueExactly(@TempDir Path out) throws IOException {
        String[] r = Cli.run("export", "exported", "--runs", runs.toString(), "--format", "csv", "-o", out.toString());
        assertEquals("0", r[0], r[2]);
        List<String> lines = Files.readAllLines(out.resolve("exported.csv"));
        assertEquals("step,train_loss,test_acc,odd,grad_norm", lines.get(0));
        List<Map<String, Double>> log = log();
        assertEquals(log.size() + 1, lines.size());
        String[] header = lines.get(0).split(",");
        for (int i = 0; i < log.size(); i++) {
            String[] f = lines.get(i + 1).split(",", -1);
            assertEquals(header.length, f.length, lines.get(i + 1));
            assertEquals(log.get(i).get("step").longValue(), Long.parseLong(f[0]));
            for (int c = 1; c < header.length; c++) {
                Double v = log.get(i).get(header[c]);
                if (v == null) {
                    assertEquals("", f[c], "step " + f[0] + " logged no " + header[c]);
                } else {
                    assertEquals(Double.doubleToLongBits(v), Double.doubleToLongBits(Double.parseDouble(f[c])));
                }
            }
        }
        assertTrue(r[1].contains("exported.csv (25 rows)"), r[1]);
    }

    @Test
    void parquetReadsBackAsTheLog(@TempDir Path out) throws Exception {
        String[] r = Cli.run("export", run.root().toString(), "--format", "parquet", "-o", out.toString());
        assertEquals("0", r[0], r[2]);
        Path file = out.resolve("exported.parquet");
        List<Map<String, Double>> log = log();
        try (QueryDatabase db = QueryDatabase.inMemory()) {
            QueryResult q = db.execute("select * from read_parquet('" + file + "') order by step");
            assertEquals(List.of("step", "train_loss", "test_acc", "odd", "grad_norm"), q.columns());
            assertEquals(log.size(), q.rows().size());
            for (int i = 0; i < log.size(); i++) {
                Object[] row = q.rows().get(i);
                assertEquals(log.get(i).get("step").longValue(), ((Number) row[0]).longValue());
                for (int c = 1; c < row.length; c++) {
                    Double v = log.get(i).get(q.columns().get(c));
                    assertEquals(
                            v,
                            row[c] == null ? null : ((Number) row[c]).doubleValue(),
                            q.columns().get(c));
                }
            }
            QueryResult types = db.execute("select type from parquet_schema('" + file + "') where name = 'step'");
            assertEquals("INT64", types.rows().get(0)[0]);
        }
    }

    @Test
    void tensorBoardEventsReadBackThroughAnIndependentReader(@TempDir Path out) throws Exception {
        boolean protobuf = hasProtobuf();
        if (System.getenv("VIVARIUM_REQUIRE_PROTOBUF") == null) {
            Assumptions.assumeTrue(
                    protobuf, "Debian's python3-protobuf is not installed; apt-get install python3-protobuf");
        }
        assertTrue(protobuf, "VIVARIUM_REQUIRE_PROTOBUF is set but /usr/bin/python3 cannot import google.protobuf");
        String[] r = Cli.run(
                "export", "exported", "--runs", runs.toString(), "--format", "tensorboard", "-o", out.toString());
        assertEquals("0", r[0], r[2]);
        List<Path> files;
        try (Stream<Path> s = Files.list(out.resolve("exported"))) {
            files = s.toList();
        }
        assertEquals(1, files.size(), files.toString());
        assertTrue(files.get(0).getFileName().toString().startsWith("events.out.tfevents."), files.toString());
        String said = oracle(
                files.get(0).toString(),
                run.metricsFile().toString(),
                run.configFile().toString(),
                "COMPLETED");
        int values = 0;
        for (Map<String, Double> row : log()) {
            values += row.size() - 1;
        }
        assertEquals(
                "ok: " + (values + 3) + " records, " + values + " scalars, 2 hparams events",
                said.strip(),
                "file version, session start, the scalars, session end");
        // the experiment, in the export's root
        List<Path> root;
        try (Stream<Path> s = Files.list(out)) {
            root = s.filter(f -> f.getFileName().toString().endsWith(".hparams"))
                    .toList();
        }
        assertEquals(1, root.size());
        String exp = oracle(
                "--experiment",
                root.get(0).toString(),
                run.metricsFile().toString(),
                run.configFile().toString());
        assertEquals("ok: experiment of 7 hparams, 4 metrics", exp.strip());
    }

    @Test
    void aSweepsHParamsExperimentSpansItsRunsAndEachRunHasItsSession(@TempDir Path sweeps, @TempDir Path out)
            throws Exception {
        requireProtobuf();
        Path folder = QueryFixtures.sweep(sweeps, "s", "aaaaaaaaaaaa", "bbbbbbbbbbbb");
        RunDir killed = QueryFixtures.run(
                folder.resolve("runs"),
                "cccccccccccc",
                0.5,
                7,
                dev.vivarium.store.run.RunState.FAILED,
                java.time.Instant.now(),
                3);
        Files.writeString(
                folder.resolve("points.tsv"),
                "cccccccccccc\tFAILED\truns/cccccccccccc\ttrain.lr=0.5\n",
                java.nio.file.StandardOpenOption.APPEND);
        // a key that is a number in one run and a string in another is a string hparam
        Path cfg = killed.configFile();
        Files.writeString(cfg, Files.readString(cfg).replace("act: relu", "act: 3"));
        String[] r = Cli.run("export", folder.toString(), "--format", "tensorboard", "-o", out.toString());
        assertEquals("0", r[0], r[2]);
        List<String> configs = new ArrayList<>();
        for (String id : List.of("aaaaaaaaaaaa", "bbbbbbbbbbbb", "cccccccccccc")) {
            Path runDir = folder.resolve("runs").resolve(id);
            configs.add(runDir.resolve("config.yaml").toString());
            Path events;
            try (Stream<Path> s = Files.list(out.resolve(id))) {
                events = s.findFirst().orElseThrow();
            }
            String said = oracle(
                    events.toString(),
                    runDir.resolve("metrics.jsonl").toString(),
                    runDir.resolve("config.yaml").toString(),
                    id.startsWith("c") ? "FAILED" : "COMPLETED");
            assertTrue(said.startsWith("ok: ") && said.strip().endsWith(", 2 hparams events"), said);
        }
        Path exp;
        try (Stream<Path> s = Files.list(out)) {
            exp = s.filter(f -> f.getFileName().toString().endsWith(".hparams"))
                    .findFirst()
                    .orElseThrow();
        }
        List<String> args = new ArrayList<>(List.of(
                "--experiment",
                exp.toString(),
                folder.resolve("runs/aaaaaaaaaaaa/metrics.jsonl").toString()));
        args.addAll(configs);
        assertEquals(
                "ok: experiment of 7 hparams, 4 metrics",
                oracle(args.toArray(String[]::new)).strip());
    }

    private static void requireProtobuf() throws Exception {
        boolean protobuf = hasProtobuf();
        if (System.getenv("VIVARIUM_REQUIRE_PROTOBUF") == null) {
            Assumptions.assumeTrue(
                    protobuf, "Debian's python3-protobuf is not installed; apt-get install python3-protobuf");
        }
        assertTrue(protobuf, "VIVARIUM_REQUIRE_PROTOBUF is set but /usr/bin/python3 cannot import google.protobuf");
    }

    /** Runs tools/oracle/tfevents_check.py with {@code args}; what it said, after checking it exited 0. */
    private static String oracle(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(
                PYTHON.toString(), projectFile("tools/oracle/tfevents_check.py").toString()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String said = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(120, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), said);
        return said;
    }

    @Test
    void aSweepFolderExportsEachRun(@TempDir Path sweeps, @TempDir Path out) throws IOException {
        Path folder = QueryFixtures.sweep(sweeps, "s", "aaaaaaaaaaaa", "bbbbbbbbbbbb");
        String[] r = Cli.run("export", folder.toString(), "--format", "csv", "-o", out.toString());
        assertEquals("0", r[0], r[2]);
        for (String id : List.of("aaaaaaaaaaaa", "bbbbbbbbbbbb")) {
            List<String> lines = Files.readAllLines(out.resolve(id + ".csv"));
            assertEquals(5, lines.size(), id);
        }
    }

    @Test
    void aDamagedLogIsExportedUpToTheDamage(@TempDir Path other, @TempDir Path out) throws IOException {
        RunDir torn = QueryFixtures.completed(other, "torn", 1e-3, 64, 6);
        List<String> lines = new ArrayList<>(Files.readAllLines(torn.metricsFile()));
        lines.set(2, "not json");
        Files.write(torn.metricsFile(), lines);
        String[] r = Cli.run("export", torn.root().toString(), "--format", "csv", "-o", out.toString());
        assertEquals("0", r[0], r[2]);
        assertEquals(3, Files.readAllLines(out.resolve("torn.csv")).size());
        assertTrue(r[2].startsWith("warning: " + torn.metricsFile() + " line 3"), r[2]);
    }

    @Test
    void aRunThatDoesNotExistIsOneLine(@TempDir Path out) {
        String[] r = Cli.run("export", "nope", "--runs", runs.toString(), "--format", "csv", "-o", out.toString());
        assertEquals("2", r[0]);
        assertTrue(r[2].startsWith("error: no run 'nope' under "), r[2]);
        assertEquals(1, r[2].strip().lines().count(), r[2]);
    }

    @Test
    void theOutputMustNotBeInsideTheRun() {
        String[] r = Cli.run(
                "export",
                run.root().toString(),
                "--format",
                "csv",
                "-o",
                run.root().resolve("x").toString());
        assertEquals("2", r[0]);
        assertTrue(r[2].contains("is inside the run directory"), r[2]);
        assertFalse(Files.exists(run.root().resolve("x")));
    }

    /** A file of the project, found by walking up from the module directory. */
    private static Path projectFile(String relative) {
        for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
            if (Files.exists(d.resolve(relative))) {
                return d.resolve(relative);
            }
        }
        throw new IllegalStateException(
                "cannot find " + relative + " above " + Path.of("").toAbsolutePath());
    }

    private static boolean hasProtobuf() throws Exception {
        if (!Files.isExecutable(PYTHON)) {
            return false;
        }
        Process p = new ProcessBuilder(PYTHON.toString(), "-c", "import google.protobuf")
                .redirectErrorStream(true)
                .start();
        p.getInputStream().readAllBytes();
        return p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0;
    }
}

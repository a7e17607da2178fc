package dev.vivarium.app.cmd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vivarium.store.run.MetricLog;
import dev.vivarium.store.run.RunDir;
import dev.vivarium.store.run.RunState;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code vivarium query}: results compared with values computed from the run directories' own files; the
 * types of config columns; sweep runs; the state of a dead run; a damaged metric log; bad SQL; and that a
 * query writes nothing in the runs folder.
 */
class QueryCommandTest {
    @TempDir
    static Path dir;

    static Path runs;
    static Path sweeps;
    static final List<String> COMPLETED = List.of("lr-a", "lr-b", "lr-c");

    @BeforeAll
    static void make() throws IOException {
        runs = Files.createDirectories(dir.resolve("runs"));
        sweeps = Files.createDirectories(dir.resolve("sweeps"));
        QueryFixtures.completed(runs, "lr-a", 1e-3, 64, 12);
        QueryFixtures.completed(runs, "lr-b", 3e-3, 128, 30);
        QueryFixtures.completed(runs, "lr-c", 0.01, 256, 7);
        // its process is gone: a heartbeat an hour old
        QueryFixtures.run(
                runs, "dead", 1e-3, 64, RunState.RUNNING, Instant.now().minusSeconds(3600), 5);
        QueryFixtures.sweep(sweeps, "widths", "0123456789ab", "ba9876543210");
    }

    private static String[] query(String sql, String... more) {
        List<String> args =
                new ArrayList<>(List.of("query", sql, "--runs", runs.toString(), "--sweeps", sweeps.toString()));
        args.addAll(List.of(more));
        return Cli.run(args.toArray(new String[0]));
    }

    /** CSV rows of a result, the header dropped. */
    private static List<String[]> csv(String[] r) {
        assertEquals("0", r[0], r[2]);
        List<String[]> rows = new ArrayList<>();
        String[] lines = r[1].split("\\R");
        for (int i = 1; i < lines.length; i++) {
            rows.add(lines[i].split(",", -1));
        }
        return rows;
    }

    private static List<Map<String, Double>> log(Path run) throws IOException {
        return new MetricLog(run.resolve("metrics.jsonl")).read();
    }

    @Test
    void finalTestAccuracyIsEachRunsLastLoggedValue() throws IOException {
        List<String[]> rows = csv(query(
                "select run, value, step from final where metric = 'test_acc' and run like 'lr-%' order by run",
                "--format", "csv"));
        assertEquals(COMPLETED.size(), rows.size());
        for (int i = 0; i < rows.size(); i++) {
            List<Map<String, Double>> log = log(runs.resolve(COMPLETED.get(i)));
            Map<String, Double> last = log.get(log.size() - 1);
            assertEquals(COMPLETED.get(i), rows.get(i)[0]);
            assertEquals(last.get("test_acc"), Double.parseDouble(rows.get(i)[1]), "exact, as logged");
            assertEquals(last.get("step").longValue(), Long.parseLong(rows.get(i)[2]));
        }
    }

    @Test
    void metricsHoldEveryLoggedValueInLongFormat() throws IOException {
        for (String id : COMPLETED) {
            Map<String, String> ours = new TreeMap<>();
            for (String[] row :
                    csv(query("select step, metric, value from metrics where run = '" + id + "'", "--format", "csv"))) {
                ours.put(row[0] + "/" + row[1], row[2]);
            }
            Map<String, String> theirs = new TreeMap<>();
            for (Map<String, Double> row : log(runs.resolve(id))) {
                row.forEach((k, v) -> {
                    if (!k.equals("step")) {
                        theirs.put(row.get("step").longValue() + "/" + k, Double.toString(v));
                    }
                });
            }
            assertEquals(theirs, ours, id);
        }
    }

    @Test
    void configColumnsAreTypedAndNamedByTheirDottedKeys() {
        List<String[]> types = csv(query(
                "select typeof(\"train.lr\"), typeof(\"model.dModel\"), typeof(\"model.act\"), typeof(\"train.betas.1\"),"
                        + " typeof(started) from runs limit 1",
                "--format",
                "csv"));
        assertEquals(List.of("DOUBLE", "BIGINT", "VARCHAR", "DOUBLE", "TIMESTAMP"), List.of(types.get(0)));
        List<String[]> lr = csv(query(
                "select id, \"train.lr\" * 1000, \"model.dModel\" + 1 from runs where id like 'lr-%' order by id",
                "--format", "csv"));
        assertEquals("lr-b", lr.get(1)[0]);
        assertEquals(3.0, Double.parseDouble(lr.get(1)[1]), 1e-12);
        assertEquals("129", lr.get(1)[2]);
    }

    @Test
    void runsOfASweepFolderCarryItsName() {
        List<String[]> rows =
                csv(query("select id, sweep, state from runs where sweep is not null order by id", "--format", "csv"));
        assertEquals(2, rows.size());
        assertEquals(List.of("widths/0123456789ab", "widths", "COMPLETED"), List.of(rows.get(0)));
        assertEquals("widths/ba9876543210", rows.get(1)[0]);
        List<String[]> joined = csv(query(
                "select count(*) from final f join runs r on r.id = f.run where r.sweep = 'widths' and f.metric = 'test_acc'",
                "--format",
                "csv"));
        assertEquals("2", joined.get(0)[0]);
    }

    @Test
    void aRunningRunWhoseHeartbeatStoppedIsKilled() {
        List<String[]> rows = csv(query("select state, message from runs where id = 'dead'", "--format", "csv"));
        assertEquals("KILLED", rows.get(0)[0]);
        assertTrue(rows.get(0)[1].contains("no heartbeat since"), rows.get(0)[1]);
    }

    @Test
    void jsonIsAnArrayOfObjects() throws IOException {
        String[] r = query("select id, step, \"train.lr\" as lr from runs where id = 'lr-c'", "--format", "json");
        assertEquals("0", r[0], r[2]);
        JsonNode a = new ObjectMapper().readTree(r[1]);
        assertTrue(a.isArray());
        assertEquals(1, a.size());
        assertEquals("lr-c", a.get(0).get("id").asText());
        assertEquals(70, a.get(0).get("step").asLong());
        assertEquals(0.01, a.get(0).get("lr").asDouble());
    }

    @Test
    void theTableIsAligned() {
        String[] r = query("select id, step from runs where id like 'lr-%' order by id");
        assertEquals("0", r[0], r[2]);
        String[] lines = r[1].split("\\R");
        assertTrue(lines[0].startsWith("id"), r[1]);
        assertTrue(lines[1].matches("-+  -+"), r[1]);
        assertEquals(lines[1].length(), lines[2].length(), r[1]);
        assertTrue(lines[2].endsWith(" 120"), r[1]);
        assertEquals("(3 rows)", lines[lines.length - 1]);
    }

    @Test
    void badSqlIsOneLineWithDuckDbsReason() {
        String[] r = query("selec id from runs");
        assertEquals("2", r[0]);
        assertEquals("", r[1]);
        assertTrue(r[2].startsWith("error: query: Parser Error: syntax error at or near \"selec\""), r[2]);
        assertEquals(1, r[2].strip().lines().count(), r[2]);
        String[] missing = query("select nope from runs");
        assertEquals("2", missing[0]);
        assertTrue(missing[2].startsWith("error: query: Binder Error"), missing[2]);
        assertEquals(1, missing[2].strip().lines().count(), missing[2]);
    }

    @Test
    void aDamagedMetricLogGivesItsRowsBeforeTheDamageAndAWarning(@TempDir Path other) throws IOException {
        RunDir run = QueryFixtures.completed(other, "torn", 1e-3, 64, 6);
        List<String> lines = new ArrayList<>(Files.readAllLines(run.metricsFile()));
        lines.set(3, "{\"step\":30,\"train_loss\":0.5,"); // line 4 cut in the middle, rows after it
        Files.write(run.metricsFile(), lines);
        String[] r = Cli.run(
                "query",
                "select count(distinct step), max(step) from metrics where run = 'torn'",
                "--runs",
                other.toString(),
                "--sweeps",
                sweeps.toString(),
                "--format",
                "csv");
        assertEquals("0", r[0], r[2]);
        assertEquals("3,20", r[1].split("\\R")[1]);
        assertTrue(r[2].startsWith("warning: " + run.metricsFile() + " line 4"), r[2]);
        assertFalse(r[2].contains("\tat "), r[2]);
        assertEquals(1, r[2].strip().lines().count(), r[2]);
    }

    @Test
    void aBrokenRunIsNamedAndLeftOut(@TempDir Path other) throws IOException {
        QueryFixtures.completed(other, "fine", 1e-3, 64, 3);
        Files.writeString(
                QueryFixtures.completed(other, "bad-status", 1e-3, 64, 3).statusFile(), "{\"state\":");
        String[] r = Cli.run(
                "query",
                "select id from runs",
                "--runs",
                other.toString(),
                "--sweeps",
                sweeps.toString(),
                "--format",
                "csv");
        assertEquals("0", r[0], r[2]);
        assertTrue(r[1].contains("fine") && !r[1].contains("bad-status"), r[1]);
        assertTrue(r[2].startsWith("warning: skipped run bad-status: "), r[2]);
    }

    @Test
    void aMissingRunsDirectoryIsOneLine() {
        String[] r =
                Cli.run("query", "select 1", "--runs", dir.resolve("nowhere").toString());
        assertEquals("2", r[0]);
        assertTrue(r[2].startsWith("error: --runs ") && r[2].contains("no such directory"), r[2]);
        assertEquals(1, r[2].strip().lines().count(), r[2]);
    }

    @Test
    void aQueryWritesNothingInTheRunsFolder() throws IOException {
        Map<String, Long> before = snapshot(dir);
        assertEquals("0", query("select count(*) from runs, metrics, final")[0]);
        assertEquals(before, snapshot(dir));
    }

    private static Map<String, Long> snapshot(Path root) throws IOException {
        Map<String, Long> files = new TreeMap<>();
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                files.put(
                        root.relativize(p).toString(),
                        Files.isRegularFile(p) ? Files.getLastModifiedTime(p).toMillis() * 31 + Files.size(p) : -1);
            }
        }
        return files;
    }
}

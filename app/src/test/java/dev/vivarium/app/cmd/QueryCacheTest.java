package dev.vivarium.app.cmd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vivarium.app.query.RunCache;
import dev.vivarium.store.run.MetricLog;
import dev.vivarium.store.run.RunDir;
import dev.vivarium.store.run.RunState;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code vivarium query}'s parsed-run cache ({@link RunCache}): a query answers as one that reads every file
 * ({@code --no-cache}) and as the logs themselves say; an entry is used exactly while its run's files keep their
 * size and modification time (shown by changing a log's bytes behind the cache's back, then its time); a
 * changed, new or removed run is read again or dropped; a RUNNING run is never cached; a damaged cache file is
 * ignored and rewritten whole.
 */
class QueryCacheTest {
    @TempDir
    Path dir;

    static final String FINAL = "select run, value from final where metric = 'test_acc' order by run";
    static final String RUNS = "select id, state, \"train.lr\", \"model.act\" from runs order by id";

    private String[] query(Path runs, Path cache, String sql, String... more) {
        List<String> args = new ArrayList<>(List.of(
                "query",
                sql,
                "--runs",
                runs.toString(),
                "--sweeps",
                dir.resolve("nosweeps").toString(),
                "--format",
                "csv",
                "--cache",
                cache.toString()));
        args.addAll(List.of(more));
        String[] r = Cli.run(args.toArray(new String[0]));
        assertEquals("0", r[0], r[2]);
        return r;
    }

    /** The last test_acc of a run, from its log as store reads it. */
    private static double lastAcc(RunDir run) throws Exception {
        List<Map<String, Double>> rows = new MetricLog(run.metricsFile()).read();
        return rows.get(rows.size() - 1).get("test_acc");
    }

    @Test
    void theCacheAnswersAsTheFilesDoAndFollowsThem() throws Exception {
        Path runs = Files.createDirectories(dir.resolve("runs"));
        Path cache = dir.resolve("cache");
        Files.createDirectories(dir.resolve("nosweeps"));
        List<RunDir> made = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            made.add(QueryFixtures.completed(runs, "run-" + i, 1e-3 * (i + 1), 32 << i, 6 + i));
        }
        // on another host, its heartbeat fresh: RUNNING
        QueryFixtures.run(runs, "live", 1e-3, 16, RunState.RUNNING, Instant.now(), 4);

        String[] cold = query(runs, cache, FINAL);
        String[] fresh = query(runs, cache, FINAL, "--no-cache");
        String[] warm = query(runs, cache, FINAL);
        assertEquals(fresh[1], cold[1]);
        assertEquals(fresh[1], warm[1]);
        for (RunDir r : made) {
            assertTrue(warm[1].contains(r.root().getFileName() + "," + lastAcc(r)), warm[1]);
        }
        Path file = RunCache.fileFor(cache, List.of(runs, dir.resolve("nosweeps")));
        RunCache c = RunCache.load(file);
        assertFalse(c.damaged());
        assertEquals(5, c.size(), "the five stopped runs, not the running one");
        // a runs query needs the configs, which the final query did not read: read once, then cached too
        assertEquals(query(runs, cache, RUNS, "--no-cache")[1], query(runs, cache, RUNS)[1]);
        assertEquals(query(runs, cache, RUNS, "--no-cache")[1], query(runs, cache, RUNS)[1]);

        // the same bytes count and time, other content: the cache cannot tell, and answers from what it read
        RunDir first = made.get(0);
        byte[] log = Files.readAllBytes(first.metricsFile());
        FileTime time = Files.getLastModifiedTime(first.metricsFile());
        String before = String.valueOf(lastAcc(first));
        String text = new String(log, StandardCharsets.UTF_8);
        int at = text.lastIndexOf("\"test_acc\":");
        String tail = text.substring(at);
        String digits = tail.substring(11, tail.indexOf(','));
        String other = digits.replace(
                digits.charAt(digits.length() - 1), digits.charAt(digits.length() - 1) == '1' ? '2' : '1');
        assertEquals(digits.length(), other.length());
        Files.writeString(
                first.metricsFile(),
                text.substring(0, at) + "\"test_acc\":" + other + tail.substring(11 + digits.length()));
        Files.setLastModifiedTime(first.metricsFile(), time);
        assertEquals(log.length, Files.size(first.metricsFile()));
        String after = String.valueOf(lastAcc(first));
        assertNotEquals(before, after);
        assertTrue(query(runs, cache, FINAL)[1].contains("run-0," + before), "answered from the cache");
        assertTrue(query(runs, cache, FINAL, "--no-cache")[1].contains("run-0," + after));
        // its time changes: read again
        Files.setLastModifiedTime(
                first.metricsFile(), FileTime.from(time.toInstant().plusMillis(1)));
        assertTrue(query(runs, cache, FINAL)[1].contains("run-0," + after));

        // a row appended: the new last value; a run removed: gone from the answer and the file
        try (MetricLog l = new MetricLog(made.get(1).metricsFile())) {
            Map<String, Number> row = new LinkedHashMap<>();
            row.put("step", 1000);
            row.put("test_acc", 0.123456789);
            l.append(row);
        }
        RunDir gone = made.get(4);
        try (var s = Files.walk(gone.root())) {
            for (Path p : (Iterable<Path>) s.sorted(java.util.Comparator.reverseOrder())::iterator) {
                Files.delete(p);
            }
        }
        String[] later = query(runs, cache, FINAL);
        assertEquals(query(runs, cache, FINAL, "--no-cache")[1], later[1]);
        assertTrue(later[1].contains("run-1,0.123456789"), later[1]);
        assertFalse(later[1].contains("run-4"), later[1]);
        assertEquals(4, RunCache.load(file).size());

        // damaged: a flipped byte, then a truncation, then garbage; each ignored, the answer right, the file rebuilt
        String expected = query(runs, cache, FINAL, "--no-cache")[1];
        byte[] good = Files.readAllBytes(file);
        List<byte[]> damages = new ArrayList<>();
        byte[] flipped = good.clone();
        flipped[good.length / 2] ^= 0x10;
        damages.add(flipped);
        damages.add(Arrays.copyOf(good, good.length - 9));
        damages.add("not a cache at all".getBytes(StandardCharsets.UTF_8));
        for (byte[] bad : damages) {
            Files.write(file, bad);
            assertTrue(RunCache.load(file).damaged());
            assertEquals(expected, query(runs, cache, FINAL)[1]);
            RunCache rebuilt = RunCache.load(file);
            assertFalse(rebuilt.damaged());
            assertEquals(4, rebuilt.size());
        }
    }
}

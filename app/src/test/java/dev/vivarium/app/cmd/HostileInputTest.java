package dev.vivarium.app.cmd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every command on hostile inputs, through the picocli command line: each gives its exit code and exactly
 * one line on stderr, {@code error: ...}, naming the file, option or value at fault, with no Java class
 * name or stack frame anywhere in its output, and changes nothing outside this test's directory.
 */
class HostileInputTest {
    @TempDir
    static Path dir;

    static final String LONG = "a".repeat(300);
    static final String FULL = "/dev/full";

    /** One command line, {@code {dir}} standing for the test's directory; its exit code and what it must name. */
    record Row(int exitCode, String mustName, List<String> args) {
        @Override
        public String toString() {
            return String.join(" ", args).replace(LONG, "a*300") + " -> " + exitCode;
        }
    }

    @BeforeAll
    static void runs() throws IOException {
        Path runs = Files.createDirectories(dir.resolve("runs"));
        Instant t = Instant.parse("2026-01-01T00:00:00Z");
        Fixtures.completedRun(runs, "good", t, 5);
        Fixtures.completedRun(runs, "alpha-1", t, 5);
        Fixtures.completedRun(runs, "alpha-2", t, 5);
        Files.writeString(Fixtures.completedRun(runs, "status-bad", t, 5).statusFile(), "{\"state\":\"COMPL");
        Files.delete(Fixtures.completedRun(runs, "no-status", t, 5).statusFile());
        Files.delete(Fixtures.completedRun(runs, "no-config", t, 5).configFile());
        Path metrics = Fixtures.completedRun(runs, "metrics-dir", t, 5).metricsFile();
        Files.delete(metrics);
        Files.createDirectory(metrics);
        Files.writeString(runs.resolve("a-file"), "not a run\n");
        Files.createDirectories(dir.resolve("empty-runs"));
        Files.createDirectories(dir.resolve("a-dir"));
        Files.writeString(dir.resolve("points.csv"), "x,loss\n1,2\n10,1\n100,0.5\n");
    }

    static Stream<Row> rows() {
        List<Row> rows = new ArrayList<>();
        String runs = "{dir}/runs";
        // the commands that read one run, on each way a run can be wrong
        for (String cmd : List.of("show", "plot", "resume", "detect", "lens")) {
            rows.add(run(cmd, 2, "'missing'", runs, "missing"));
            rows.add(run(cmd, 2, "a-file is a file", runs, "a-file"));
            rows.add(run(cmd, 1, "metrics-dir/metrics.jsonl: is a directory", runs, "metrics-dir"));
            rows.add(run(cmd, 1, "no-config/config.yaml: not found", runs, "no-config"));
            rows.add(run(cmd, 2, "'alpha' is ambiguous", runs, "alpha"));
            rows.add(run(cmd, 2, "alpha-1, alpha-2", runs, "alpha"));
            rows.add(run(cmd, 2, "'latest': there are no runs under", "{dir}/empty-runs", "latest"));
            rows.add(run(cmd, 2, "no run 'latest': the runs directory", "{dir}/no-such-dir", "latest"));
            rows.add(run(cmd, 2, "name too long", runs, LONG));
            rows.add(run(cmd, 2, "runs/a-file is a file", runs, "{dir}/runs/a-file"));
        }
        for (String cmd : List.of("show", "resume", "detect")) { // plot needs no status
            rows.add(run(cmd, 1, "status-bad/status.json: corrupt run status", runs, "status-bad"));
        }
        for (String cmd : List.of("show", "resume", "detect")) {
            rows.add(run(cmd, 1, "no-status/status.json: not found", runs, "no-status"));
        }
        // files to write that must not be written
        rows.add(row(2, "--out /: names no file", "plot", "good", "--runs", runs, "--out", "/"));
        rows.add(row(
                2,
                "--out /dev/full: exists and is not a regular file",
                "plot",
                "good",
                "--runs",
                runs,
                "--out",
                "/dev/full"));
        rows.add(row(
                2,
                "--out {dir}/a-dir: exists and is not a regular file",
                "plot",
                "good",
                "--runs",
                runs,
                "--out",
                "{dir}/a-dir"));
        rows.add(row(2, "name too long", "plot", "good", "--runs", runs, "--out", "{dir}/" + LONG + ".png"));
        rows.add(row(2, "nowhere does not exist", "plot", "good", "--runs", runs, "--out", "{dir}/nowhere/c.png"));
        rows.add(row(2, "--out /: names no file", "run", "recipe.yaml", "--out", "/"));
        rows.add(row(2, "--out /dev/full: exists and is not a directory", "run", "recipe.yaml", "--out", "/dev/full"));
        rows.add(row(
                2,
                "--out {dir}/runs/a-file: exists and is not a directory",
                "run",
                "recipe.yaml",
                "--out",
                "{dir}/runs/a-file"));
        rows.add(row(2, "name too long", "run", "recipe.yaml", "--out", "{dir}/" + LONG));
        rows.add(row(
                2,
                "--plot /dev/full: exists and is not a regular file",
                "fit",
                "--table",
                "{dir}/points.csv",
                "--plot",
                "/dev/full"));
        // files to read that are missing or wrong
        rows.add(row(2, "{dir}/missing.yaml", "run", "{dir}/missing.yaml", "--runs", runs));
        rows.add(row(2, "{dir}/missing.yaml", "bench", "{dir}/missing.yaml"));
        rows.add(row(2, "--steps 0", "bench", "{dir}/missing.yaml", "--steps", "0"));
        rows.add(row(2, "--runs {dir}/runs/a-file: is a file", "runs", "--runs", "{dir}/runs/a-file"));
        rows.add(row(2, "{dir}/missing.csv", "fit", "--table", "{dir}/missing.csv"));
        rows.add(row(
                2,
                "registry {dir}/runs/a-file: is a file, not a directory",
                "predict",
                "add",
                "--registry",
                "{dir}/runs/a-file",
                "--author",
                "a",
                "--recipe",
                "r",
                "--quantity",
                "q",
                "--event",
                "<= 1",
                "--probability",
                "0.5"));
        return rows.stream();
    }

    private static Row run(String command, int exitCode, String mustName, String runs, String run) {
        List<String> args = new ArrayList<>(List.of(command, run, "--runs", runs));
        if (command.equals("lens")) {
            args.add("spectra");
        }
        return new Row(exitCode, mustName, args);
    }

    private static Row row(int exitCode, String mustName, String... args) {
        return new Row(exitCode, mustName, List.of(args));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rows")
    void failsWithOneLineNamingWhatIsWrong(Row row) throws IOException {
        String[] args =
                row.args().stream().map(a -> a.replace("{dir}", dir.toString())).toArray(String[]::new);
        if (row.args().contains(FULL)) {
            refusesALinkToTheDeviceFirst(args);
        }
        Map<String, String> before = outside();
        String[] r = Cli.run(args);
        String all = r[1] + r[2];
        assertEquals(String.valueOf(row.exitCode()), r[0], all);
        List<String> err = r[2].lines().toList();
        assertEquals(1, err.size(), "stderr: " + r[2]);
        assertTrue(err.get(0).startsWith("error: "), err.get(0));
        assertTrue(err.get(0).contains(row.mustName().replace("{dir}", dir.toString())), err.get(0));
        assertFalse(all.contains("Exception"), all);
        assertFalse(all.contains("\tat "), all);
        assertEquals(before, outside(), "a file outside " + dir + " changed");
    }

    /**
     * A canary for the rows that name /dev/full: as root, a command that wrote its output by renaming a
     * file over its target would replace the device node itself. The same command is first given a link
     * to the device inside this test's directory; if it replaced the link, the test fails there and the
     * device is never tried.
     */
    private static void refusesALinkToTheDeviceFirst(String[] args) throws IOException {
        Path link = dir.resolve("full-link");
        if (!Files.isSymbolicLink(link)) {
            Files.createSymbolicLink(link, Path.of(FULL));
        }
        String[] viaLink =
                Stream.of(args).map(a -> a.equals(FULL) ? link.toString() : a).toArray(String[]::new);
        String[] r = Cli.run(viaLink);
        assertTrue(
                Files.isSymbolicLink(link),
                "'" + String.join(" ", viaLink) + "' replaced a link to " + FULL + "; the device itself is not tried");
        assertEquals(String.valueOf(2), r[0], r[2]);
    }

    /**
     * What a command must leave alone: the device /dev/full (its kind and inode), the names at the top of
     * the file system (their times change as other processes work in /tmp, so names only), and the
     * working directory's entries with their times (build output in target/ aside).
     */
    static Map<String, String> outside() throws IOException {
        Map<String, String> seen = new TreeMap<>();
        Path full = Path.of(FULL);
        if (Files.exists(full, LinkOption.NOFOLLOW_LINKS)) {
            seen.put(
                    FULL,
                    Files.isRegularFile(full, LinkOption.NOFOLLOW_LINKS) + " "
                            + Files.readAttributes(full, "unix:ino,mode", LinkOption.NOFOLLOW_LINKS));
        }
        try (Stream<Path> entries = Files.list(Path.of("/"))) {
            entries.forEach(p -> seen.put(p.toString(), "present"));
        }
        try (Stream<Path> entries = Files.list(Path.of("").toAbsolutePath())) {
            for (Path p : (Iterable<Path>) entries::iterator) {
                if (!p.getFileName().toString().equals("target")) {
                    seen.put(p.toString(), String.valueOf(Files.getLastModifiedTime(p, LinkOption.NOFOLLOW_LINKS)));
                }
            }
        }
        return seen;
    }
}

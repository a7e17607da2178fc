package dev.vivarium.app.cmd;

import dev.vivarium.app.query.CleanMetricLog;
import dev.vivarium.app.query.ConfigFlattener;
import dev.vivarium.app.query.MetricValues;
import dev.vivarium.app.query.QueryDatabase;
import dev.vivarium.app.query.QueryResult;
import dev.vivarium.app.query.ResultFormat;
import dev.vivarium.app.query.RunRow;
import dev.vivarium.store.run.RunDir;
import dev.vivarium.store.run.RunIndex;
import dev.vivarium.store.run.RunStatus;
import dev.vivarium.sweep.SweepFolder;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code vivarium query SQL}: SQL over every run under the runs directory and every sweep folder's runs, read
 * in place into an in-memory DuckDB database ({@link QueryDatabase}); nothing is written. A broken run is
 * named on stderr and left out; a metric log that breaks in the middle gives its rows before the break and a
 * warning naming the file and line.
 */
@Command(
        name = "query",
        mixinStandardHelpOptions = true,
        description = {
            "Query runs with SQL (DuckDB). Tables: runs (id, path, sweep, recipe, state, step, total_steps, started,"
                    + " message, then one column per config key, e.g. \"train.lr\"), metrics (run, step, metric,"
                    + " value) and final (run, metric, step, value: each metric's last logged value).",
            "Example: vivarium query \"select r.\\\"train.lr\\\", f.value from runs r join final f on f.run = r.id"
                    + " where f.metric = 'test_acc'\""
        })
public final class QueryCommand implements Callable<Integer> {
    private static final Pattern METRICS = Pattern.compile("(?i)\\bmetrics\\b");
    private static final Pattern FINAL = Pattern.compile("(?i)\\bfinal\\b");
    private static final Pattern RUNS = Pattern.compile("(?i)\\bruns\\b");

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "SQL", description = "The query, e.g. \"select id, state from runs\".")
    String sql;

    @Mixin
    RunsRoot runs;

    @Option(
            names = "--sweeps",
            paramLabel = "DIR",
            description = "Directory of sweep folders whose runs are included, with their sweep's name in runs.sweep"
                    + " and ids SWEEP/POINT (default: $VIVARIUM_SWEEPS, else ./sweeps).")
    Path sweeps;

    @Option(
            names = "--format",
            paramLabel = "FORMAT",
            defaultValue = "table",
            description = "Output: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}; json is an array of objects).")
    ResultFormat format;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (sql == null || sql.isBlank()) {
            throw new IllegalArgumentException("SQL is empty: give a query, e.g. \"select id, state from runs\"");
        }
        Timing timing = new Timing(err);
        // DuckDB's JDBC jar unpacks its native library on first use: let that happen while the runs are read
        CompletableFuture<QueryDatabase> opening = new CompletableFuture<>();
        Thread opener = new Thread(
                () -> {
                    try {
                        opening.complete(QueryDatabase.inMemory());
                    } catch (Throwable e) {
                        opening.completeExceptionally(e);
                    }
                },
                "duckdb-open");
        opener.setDaemon(true);
        opener.start();
        boolean longTable = METRICS.matcher(sql).find();
        boolean anyMetrics = longTable || FINAL.matcher(sql).find();
        // only what the query names is read: a table it does not name is not made (and cannot be used)
        boolean runsTable = RUNS.matcher(sql).find() || !anyMetrics;
        List<Loaded> loaded;
        List<RunRow> rows = new ArrayList<>();
        try {
            List<Candidate> candidates = candidates(err);
            timing.phase("list " + candidates.size() + " runs");
            // reading and parsing each run's files is the cost: in parallel, then reported in a stable order
            loaded = candidates.parallelStream()
                    .map(c -> load(c, runsTable, anyMetrics))
                    .sorted(Comparator.comparing((Loaded l) ->
                                    l.row() == null ? Instant.MIN : l.row().started())
                            .reversed()
                            .thenComparing(l -> l.candidate().id()))
                    .toList();
            timing.phase("read runs");
            for (Loaded l : loaded) {
                l.warnings().forEach(w -> err.println("warning: " + w));
                if (l.row() != null) {
                    rows.add(l.row());
                }
            }
            err.flush();
        } catch (IOException | RuntimeException | Error e) {
            opening.thenAccept(QueryCommand::closeQuietly);
            throw e;
        }
        QueryResult result;
        try (QueryDatabase db = database(opening)) {
            timing.phase("open DuckDB (wait)");
            if (runsTable) {
                db.createRuns(rows);
                timing.phase("fill runs");
            }
            if (anyMetrics) {
                db.createMetricTables(longTable);
                for (Loaded l : loaded) {
                    if (l.row() != null) {
                        db.addMetrics(l.row().id(), l.metrics());
                    }
                }
                db.finishMetrics();
                timing.phase("fill " + (longTable ? "metrics and final" : "final"));
            }
            try {
                result = db.execute(sql);
            } catch (SQLException e) {
                throw new IllegalArgumentException("query: " + firstLine(e.getMessage()));
            }
            timing.phase("execute");
        }
        format.print(result, out);
        timing.phase("print");
        return 0;
    }

    private static void closeQuietly(QueryDatabase db) {
        try {
            db.close();
        } catch (SQLException ignored) {
            // the query failed before it used the database; its own failure is the one to report
        }
    }

    private static QueryDatabase database(CompletableFuture<QueryDatabase> opening) throws Exception {
        try {
            return opening.get();
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof Exception) {
                throw (Exception) cause;
            }
            throw (Error) cause;
        }
    }

    /** With {@code $VIVARIUM_QUERY_TIMING=1}, one stderr line per phase: its milliseconds (for bench/query.sh). */
    private static final class Timing {
        private final PrintWriter err;
        private final boolean on = "1".equals(System.getenv("VIVARIUM_QUERY_TIMING"));
        private long last = System.nanoTime();

        Timing(PrintWriter err) {
            this.err = err;
        }

        void phase(String what) {
            long now = System.nanoTime();
            if (on) {
                err.printf(Locale.ROOT, "timing: %-24s %7.1f ms%n", what, (now - last) / 1e6);
                err.flush();
            }
            last = now;
        }
    }

    /** A directory that may be a run, with the sweep it belongs to. */
    private record Candidate(Path dir, Optional<String> sweep) {
        String id() {
            return sweep.map(s -> s + "/").orElse("") + dir.getFileName();
        }
    }

    /**
     * What was read of a candidate: its row of {@code runs} (null if it was skipped), its metric rows, and
     * what to warn about.
     */
    private record Loaded(Candidate candidate, RunRow row, MetricValues metrics, List<String> warnings) {}

    /**
     * The directories under --runs and under each sweep folder's {@code runs/} that hold a {@code status.json}
     * or a {@code config.yaml}, as {@code vivarium runs} sees them.
     */
    private List<Candidate> candidates(PrintWriter err) throws IOException {
        List<Candidate> found = new ArrayList<>();
        Path root = runs.dir();
        if (runs.chosen() && !Files.isDirectory(root)) {
            throw new IllegalArgumentException("--runs " + root + ": "
                    + (Files.exists(root) ? "is a file, not a directory of runs" : "no such directory of runs"));
        }
        if (Files.isDirectory(root)) {
            addRuns(root, Optional.empty(), found);
        }
        SweepsRoot named = new SweepsRoot();
        named.dir = sweeps;
        boolean chosen = named.chosen();
        Path sweepsRoot = named.dir();
        if (!Files.isDirectory(sweepsRoot)) {
            if (chosen) {
                throw new IllegalArgumentException("--sweeps " + sweepsRoot + ": "
                        + (Files.exists(sweepsRoot)
                                ? "is a file, not a directory of sweep folders"
                                : "no such directory"));
            }
            return found;
        }
        List<Path> folders;
        try (Stream<Path> s = Files.list(sweepsRoot)) {
            folders = s.filter(d -> Files.isRegularFile(d.resolve(SweepFolder.INDEX)))
                    .sorted()
                    .toList();
        }
        for (Path folder : folders) {
            SweepFolder sweep = SweepFolder.at(folder);
            if (Files.isDirectory(sweep.runs())) {
                addRuns(sweep.runs(), Optional.of(sweep.name()), found);
            }
        }
        return found;
    }

    private static void addRuns(Path root, Optional<String> sweep, List<Candidate> found) throws IOException {
        try (Stream<Path> s = Files.list(root)) {
            s.filter(d -> Files.isDirectory(d)
                            && (Files.exists(d.resolve("status.json")) || Files.exists(d.resolve("config.yaml"))))
                    .sorted()
                    .forEach(d -> found.add(new Candidate(d, sweep)));
        }
    }

    /** Reads one candidate; a broken run is a warning and no row, never a failure of the query. */
    private static Loaded load(Candidate c, boolean withConfig, boolean withMetrics) {
        List<String> warnings = new ArrayList<>();
        Optional<String> problem = RunCheck.problem(c.dir());
        if (problem.isEmpty() && !Files.exists(c.dir().resolve("status.json"))) {
            problem = Optional.of(c.dir().resolve("status.json") + ": not found (a run writes its status first)");
        }
        RunDir run = null;
        RunStatus status = null;
        Map<String, Object> config = null;
        if (problem.isEmpty()) {
            try {
                run = RunDir.open(c.dir());
                status = run.effectiveStatus(RunIndex.STALE_AFTER);
                config = withConfig ? ConfigFlattener.read(run.configFile()) : Map.of();
            } catch (IOException | RuntimeException e) {
                problem = Optional.of(firstLine(e.getMessage()));
            }
        }
        if (problem.isPresent()) {
            warnings.add("skipped run " + c.id() + ": " + problem.get());
            return new Loaded(c, null, MetricValues.of(List.of()), warnings);
        }
        RunRow row = new RunRow(
                c.id(),
                c.dir(),
                c.sweep(),
                status.recipe(),
                status.state().name(),
                status.step(),
                status.totalSteps(),
                status.startedAt(),
                status.message(),
                config);
        MetricValues metrics = MetricValues.of(List.of());
        if (withMetrics) {
            Optional<MetricValues> clean = CleanMetricLog.read(run.metricsFile());
            if (clean.isPresent()) {
                metrics = clean.get();
            } else {
                try {
                    MetricRows m = MetricRows.of(run);
                    metrics = MetricValues.of(m.rows());
                    m.problem()
                            .ifPresent(p -> warnings.add(p + "; run " + c.id() + " has its "
                                    + m.rows().size() + " rows before it"));
                } catch (IOException | RuntimeException e) {
                    warnings.add("run " + c.id() + ": no metrics: " + firstLine(e.getMessage()));
                }
            }
        }
        return new Loaded(c, row, metrics, warnings);
    }

    private static String firstLine(String s) {
        if (s == null || s.isBlank()) {
            return "no detail";
        }
        String t = s.strip();
        int nl = t.indexOf('\n');
        return nl < 0 ? t : t.substring(0, nl).strip();
    }
}

package dev.vivarium.app.cmd;

import dev.vivarium.app.query.CleanMetricLog;
import dev.vivarium.app.query.ConfigFlattener;
import dev.vivarium.app.query.MetricValues;
import dev.vivarium.app.query.QueryDatabase;
import dev.vivarium.app.query.QueryResult;
import dev.vivarium.app.query.ResultFormat;
import dev.vivarium.app.query.RunCache;
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

    @Option(
            names = "--cache",
            paramLabel = "DIR",
            description = "Directory of the parsed-run cache, which a query reads instead of the files of the runs"
                    + " that stopped and have not changed since (default: $VIVARIUM_CACHE, else"
                    + " $XDG_CACHE_HOME/vivarium, else ~/.cache/vivarium).")
    Path cacheDir;

    @Option(names = "--no-cache", description = "Read every run's files and neither read nor write the cache.")
    boolean noCache;

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
            RunCache cache = noCache
                    ? null
                    : RunCache.load(RunCache.fileFor(cacheDir != null ? cacheDir : RunCache.defaultDir(), roots));
            timing.phase("read the cache" + (cache == null ? " (off)" : " (" + cache.size() + " runs)"));
            // reading and parsing each run's files is the cost: in parallel, then reported in a stable order
            loaded = candidates.parallelStream()
                    .map(c -> load(c, runsTable, anyMetrics, longTable, cache))
                    .sorted(Comparator.comparing((Loaded l) ->
                                    l.row() == null ? Instant.MIN : l.row().started())
                            .reversed()
                            .thenComparing(l -> l.candidate().id()))
                    .toList();
            timing.phase("read runs");
            if (cache != null) {
                cache.retain(candidates.stream().map(Candidate::dir).collect(java.util.stream.Collectors.toSet()));
                try {
                    cache.save();
                } catch (IOException e) {
                    err.println("warning: query cache not written: " + firstLine(e.getMessage()));
                }
                timing.phase("write the cache");
            }
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
        // one write of the whole answer: the command line's writer flushes at every line
        java.io.StringWriter text = new java.io.StringWriter();
        format.print(result, new PrintWriter(text));
        out.print(text);
        out.flush();
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
    private record Candidate(Path dir, Optional<String> sweep, RunCache.Stamp stamp) {
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
    /** The folders the candidates were listed from (--runs, then --sweeps), the key of the cache file. */
    private final List<Path> roots = new ArrayList<>();

    private List<Candidate> candidates(PrintWriter err) throws IOException {
        List<Candidate> found = new ArrayList<>();
        Path root = runs.dir();
        roots.add(root);
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
        roots.add(sweepsRoot);
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
        List<Path> dirs;
        try (Stream<Path> s = Files.list(root)) {
            dirs = s.sorted().toList();
        }
        // the stamp's three file attributes say whether it is a run (a directory with a status or a config):
        // one stat a file, in parallel; only where it is not plain (links, odd files) the checks as they were
        dirs.parallelStream()
                .map(d -> new Candidate(d, sweep, RunCache.stamp(d)))
                .filter(c -> c.stamp().usable()
                        || (Files.isDirectory(c.dir())
                                && (Files.exists(c.dir().resolve("status.json"))
                                        || Files.exists(c.dir().resolve("config.yaml")))))
                .forEachOrdered(found::add);
    }

    /**
     * Reads one candidate, from the cache if it holds the run as its files are now ({@link RunCache}) and what
     * the query needs (the {@code metrics} table needs the whole log, which the cache does not hold); a broken
     * run is a warning and no row, never a failure of the query. What is read of a run that stopped and read
     * cleanly goes into the cache.
     */
    private static Loaded load(
            Candidate c, boolean withConfig, boolean withMetrics, boolean longTable, RunCache cache) {
        RunCache.Stamp stamp = c.stamp();
        Optional<RunCache.Entry> hit = cache == null ? Optional.empty() : cache.get(c.dir(), stamp);
        if (hit.isPresent()
                && (!withConfig || hit.get().config() != null)
                && (!withMetrics || (!longTable && hit.get().finalNames() != null))) {
            RunCache.Entry e = hit.get();
            return new Loaded(
                    c,
                    e.row(c.id(), c.dir(), c.sweep()),
                    withMetrics ? e.finals() : MetricValues.of(List.of()),
                    List.of());
        }
        Loaded l = load(c, withConfig, withMetrics);
        if (cache != null && l.row() != null && l.warnings().isEmpty()) {
            RunRow r = l.row();
            List<String> names = null;
            long[] steps = null;
            double[] values = null;
            if (withMetrics) {
                MetricValues m = l.metrics();
                int[] last = m.lastOfEach();
                names = new ArrayList<>();
                List<Long> st = new ArrayList<>();
                List<Double> vs = new ArrayList<>();
                for (int k = 0; k < last.length; k++) {
                    if (last[k] >= 0) {
                        names.add(m.names().get(k));
                        st.add(m.step(last[k]));
                        vs.add(m.value(last[k]));
                    }
                }
                steps = st.stream().mapToLong(Long::longValue).toArray();
                values = vs.stream().mapToDouble(Double::doubleValue).toArray();
            }
            cache.put(
                    c.dir(),
                    new RunCache.Entry(
                            stamp,
                            r.recipe(),
                            r.state(),
                            r.step(),
                            r.totalSteps(),
                            r.started(),
                            r.message(),
                            withConfig ? r.config() : null,
                            names,
                            steps,
                            values));
        }
        return l;
    }

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

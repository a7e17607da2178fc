package dev.vivarium.app.cmd;

import dev.vivarium.app.query.ConfigFlattener;
import dev.vivarium.app.query.QueryDatabase;
import dev.vivarium.app.query.QueryResult;
import dev.vivarium.app.query.ResultFormat;
import dev.vivarium.app.query.RunRow;
import dev.vivarium.store.run.RunDir;
import dev.vivarium.store.run.RunSummary;
import dev.vivarium.sweep.SweepFolder;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
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
        List<Located> located = locate(err);
        boolean longTable = METRICS.matcher(sql).find();
        boolean anyMetrics = longTable || FINAL.matcher(sql).find();
        List<RunRow> rows = new ArrayList<>();
        List<Located> kept = new ArrayList<>();
        for (Located l : located) {
            Optional<RunRow> row = row(l, err);
            if (row.isPresent()) {
                rows.add(row.get());
                kept.add(l);
            }
        }
        QueryResult result;
        try (QueryDatabase db = QueryDatabase.inMemory()) {
            db.createRuns(rows);
            if (anyMetrics) {
                db.createMetricTables(longTable);
                // reading and parsing the logs is the cost: two readers, appended in the runs' order
                List<Metrics> logs =
                        kept.parallelStream().map(QueryCommand::metrics).toList();
                for (int i = 0; i < logs.size(); i++) {
                    Metrics m = logs.get(i);
                    m.warning().ifPresent(w -> err.println("warning: " + w));
                    db.addMetrics(rows.get(i).id(), m.rows());
                }
                db.finishMetrics();
            }
            err.flush();
            try {
                result = db.execute(sql);
            } catch (SQLException e) {
                throw new IllegalArgumentException("query: " + firstLine(e.getMessage()));
            }
        }
        format.print(result, out);
        return 0;
    }

    /** A run directory found, with the sweep it belongs to. */
    private record Located(RunSummary summary, Optional<String> sweep) {
        String id() {
            return sweep.map(s -> s + "/").orElse("") + summary.id();
        }
    }

    /** A run's metric rows as far as they can be read, and what to warn about. */
    private record Metrics(List<Map<String, Double>> rows, Optional<String> warning) {}

    /** The runs under --runs and under each sweep folder of --sweeps; broken ones are reported and skipped. */
    private List<Located> locate(PrintWriter err) throws IOException {
        List<Located> found = new ArrayList<>();
        Path root = runs.dir();
        if (Files.isDirectory(root) || runs.chosen()) {
            for (RunSummary s : RunScan.summaries(root, err)) {
                found.add(new Located(s, Optional.empty()));
            }
        }
        String env = System.getenv("VIVARIUM_SWEEPS");
        boolean chosen = sweeps != null || (env != null && !env.isBlank());
        Path sweepsRoot = sweeps != null ? sweeps : Path.of(chosen ? env : "sweeps");
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
                for (RunSummary s : RunScan.summaries(sweep.runs(), err)) {
                    found.add(new Located(s, Optional.of(sweep.name())));
                }
            }
        }
        return found;
    }

    /** The run's row of {@code runs}, or empty (with a warning) if its config cannot be read. */
    private static Optional<RunRow> row(Located l, PrintWriter err) {
        RunSummary s = l.summary();
        Map<String, Object> config;
        try {
            config = ConfigFlattener.read(s.dir().resolve("config.yaml"));
        } catch (IOException e) {
            err.println("warning: skipped run " + l.id() + ": " + firstLine(e.getMessage()));
            return Optional.empty();
        }
        return Optional.of(new RunRow(
                l.id(),
                s.dir(),
                l.sweep(),
                s.status().recipe(),
                s.status().state().name(),
                s.status().step(),
                s.status().totalSteps(),
                s.status().startedAt(),
                s.status().message(),
                config));
    }

    private static Metrics metrics(Located l) {
        Path dir = l.summary().dir();
        try {
            MetricRows m = MetricRows.of(RunDir.open(dir));
            return new Metrics(
                    m.rows(),
                    m.problem()
                            .map(p -> p + "; run " + l.id() + " has its "
                                    + m.rows().size() + " rows before it"));
        } catch (IOException | RuntimeException e) {
            return new Metrics(
                    List.of(),
                    Optional.of("run " + l.id() + ": no metrics: " + firstLine(String.valueOf(e.getMessage()))));
        }
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

package dev.vivarium.app.query;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.duckdb.DuckDBAppender;
import org.duckdb.DuckDBConnection;

/**
 * An in-memory DuckDB database holding what run directories say, rebuilt from them on every use and never
 * written anywhere: the runs' directories stay the truth.
 *
 * <ul>
 *   <li>{@code runs}: one row a run: {@code id, path, sweep, recipe, state, step, total_steps, started,
 *       message}, then its config as one column per dotted key ({@code "train.lr"}), typed BIGINT, DOUBLE or
 *       BOOLEAN where every run that has the key has such a value, else VARCHAR; a key that is also a
 *       column above is named {@code config.KEY}.
 *   <li>{@code metrics}: {@code run, step, metric, value}, one row per logged value (long format).
 *   <li>{@code final}: {@code run, metric, step, value}: each metric's last logged value in each run, and the
 *       step that logged it.
 * </ul>
 *
 * <p>Rows go in through DuckDB's Appender from Java, so a damaged metric log contributes what the store's
 * reader accepts of it. DuckDB loads no extension: auto-install and auto-load are off, and what it is used
 * for (SQL, Parquet) is linked into the library the JDBC jar carries, so nothing is downloaded at run time.
 */
public final class QueryDatabase implements AutoCloseable {
    /** The columns of {@code runs} before the config's. */
    public static final List<String> RUN_COLUMNS =
            List.of("id", "path", "sweep", "recipe", "state", "step", "total_steps", "started", "message");

    private final DuckDBConnection connection;
    private DuckDBAppender metrics;
    private DuckDBAppender finals;
    private DuckDBAppender runIds;
    private int runCount;
    private final Map<String, Integer> metricIds = new LinkedHashMap<>();

    private QueryDatabase(DuckDBConnection connection) {
        this.connection = connection;
    }

    /**
     * An empty in-memory database.
     *
     * @throws SQLException if DuckDB's native library cannot be loaded
     */
    public static QueryDatabase inMemory() throws SQLException {
        Properties p = new Properties();
        p.setProperty("autoinstall_known_extensions", "false");
        p.setProperty("autoload_known_extensions", "false");
        p.setProperty("allow_community_extensions", "false");
        Connection c = DriverManager.getConnection("jdbc:duckdb:", p);
        return new QueryDatabase(c.unwrap(DuckDBConnection.class));
    }

    /** Creates and fills {@code runs}; config columns are typed as the class comment says. */
    public void createRuns(List<RunRow> runs) throws SQLException {
        Map<String, String> types = configTypes(runs);
        Map<String, String> names = new LinkedHashMap<>(); // config key -> column name
        StringBuilder ddl = new StringBuilder("CREATE TABLE runs (id VARCHAR, path VARCHAR, sweep VARCHAR,"
                + " recipe VARCHAR, state VARCHAR, step BIGINT, total_steps BIGINT, started TIMESTAMP,"
                + " message VARCHAR");
        Set<String> taken = new LinkedHashSet<>(RUN_COLUMNS);
        for (Map.Entry<String, String> e : types.entrySet()) {
            String name = e.getKey();
            if (!taken.add(name.toLowerCase(java.util.Locale.ROOT))) {
                name = "config." + name;
                taken.add(name.toLowerCase(java.util.Locale.ROOT));
            }
            names.put(e.getKey(), name);
            ddl.append(", ").append(quote(name)).append(' ').append(e.getValue());
        }
        ddl.append(')');
        update(ddl.toString());
        try (DuckDBAppender a = connection.createAppender("runs")) {
            for (RunRow r : runs) {
                a.beginRow();
                a.append(r.id());
                a.append(r.path().toString());
                a.append(r.sweep().orElse(null));
                a.append(r.recipe());
                a.append(r.state());
                a.append(r.step());
                a.append(r.totalSteps());
                a.append(LocalDateTime.ofInstant(r.started(), ZoneOffset.UTC));
                a.append(r.message().orElse(null));
                for (Map.Entry<String, String> e : types.entrySet()) {
                    appendConfig(a, e.getValue(), r.config().get(e.getKey()));
                }
                a.endRow();
            }
        }
    }

    /**
     * Creates {@code final}, and {@code metrics} too if {@code longTable}; fill them with {@link #addMetrics},
     * then call {@link #finishMetrics}. Both are views over tables in schema {@code vivarium} that hold numbers
     * for run ids and metric names (appending two strings a value would cost more than reading the logs).
     */
    public void createMetricTables(boolean longTable) throws SQLException {
        update("CREATE SCHEMA vivarium");
        update("CREATE TABLE vivarium.run_ids (run_no INTEGER, run VARCHAR)");
        update("CREATE TABLE vivarium.metric_names (metric_no INTEGER, metric VARCHAR)");
        update("CREATE TABLE vivarium.final_values (run_no INTEGER, metric_no INTEGER, step BIGINT, value DOUBLE)");
        update("CREATE VIEW final AS SELECT r.run, n.metric, f.step, f.value FROM vivarium.final_values f"
                + " JOIN vivarium.run_ids r ON r.run_no = f.run_no"
                + " JOIN vivarium.metric_names n ON n.metric_no = f.metric_no");
        runIds = connection.createAppender("vivarium", "run_ids");
        finals = connection.createAppender("vivarium", "final_values");
        if (longTable) {
            update(
                    "CREATE TABLE vivarium.metric_values (run_no INTEGER, step BIGINT, metric_no INTEGER, value DOUBLE)");
            update("CREATE VIEW metrics AS SELECT r.run, v.step, n.metric, v.value FROM vivarium.metric_values v"
                    + " JOIN vivarium.run_ids r ON r.run_no = v.run_no"
                    + " JOIN vivarium.metric_names n ON n.metric_no = v.metric_no");
            metrics = connection.createAppender("vivarium", "metric_values");
        }
    }

    /** Adds run {@code run}'s logged values to the tables made by {@link #createMetricTables}. */
    public void addMetrics(String run, MetricValues values) throws SQLException {
        int runNo = runCount++;
        runIds.beginRow().append(runNo).append(run).endRow();
        int[] global = new int[values.names().size()];
        for (int m = 0; m < global.length; m++) {
            global[m] = metricIds.computeIfAbsent(values.names().get(m), k -> metricIds.size());
        }
        if (metrics != null) {
            for (int i = 0; i < values.size(); i++) {
                metrics.beginRow()
                        .append(runNo)
                        .append(values.step(i))
                        .append(global[values.metric(i)])
                        .append(values.value(i))
                        .endRow();
            }
        }
        int[] last = values.lastOfEach();
        for (int m = 0; m < last.length; m++) {
            if (last[m] >= 0) {
                finals.beginRow()
                        .append(runNo)
                        .append(global[m])
                        .append(values.step(last[m]))
                        .append(values.value(last[m]))
                        .endRow();
            }
        }
    }

    /** Flushes the metric tables. */
    public void finishMetrics() throws SQLException {
        if (runIds == null) {
            return;
        }
        try (DuckDBAppender names = connection.createAppender("vivarium", "metric_names")) {
            for (Map.Entry<String, Integer> e : metricIds.entrySet()) {
                names.beginRow()
                        .append(e.getValue().intValue())
                        .append(e.getKey())
                        .endRow();
            }
        }
        for (DuckDBAppender a : new DuckDBAppender[] {metrics, finals, runIds}) {
            if (a != null) {
                a.close();
            }
        }
        metrics = null;
        finals = null;
        runIds = null;
    }

    /**
     * Creates table {@code name} in wide format, {@code step} then one DOUBLE column per metric in order of
     * first appearance, and fills it with {@code rows} (NULL where a row lacks a metric).
     *
     * @return the column names
     */
    public List<String> createWide(String name, List<Map<String, Double>> rows) throws SQLException {
        List<String> columns = wideColumns(rows);
        StringBuilder ddl = new StringBuilder("CREATE TABLE " + quote(name) + " (step BIGINT");
        for (String c : columns.subList(1, columns.size())) {
            ddl.append(", ").append(quote(c)).append(" DOUBLE");
        }
        update(ddl.append(')').toString());
        try (DuckDBAppender a = connection.createAppender(name)) {
            for (Map<String, Double> row : rows) {
                a.beginRow();
                a.append(row.get("step").longValue());
                for (String c : columns.subList(1, columns.size())) {
                    Double v = row.get(c);
                    if (v == null) {
                        a.appendNull();
                    } else {
                        a.append(v.doubleValue());
                    }
                }
                a.endRow();
            }
        }
        return columns;
    }

    /** {@code step}, then every other key of {@code rows} in order of first appearance. */
    public static List<String> wideColumns(List<Map<String, Double>> rows) {
        Set<String> keys = new LinkedHashSet<>();
        keys.add("step");
        for (Map<String, Double> row : rows) {
            keys.addAll(row.keySet());
        }
        return List.copyOf(keys);
    }

    /** Writes table {@code table} to {@code file} as Parquet (DuckDB's built-in writer). */
    public void copyToParquet(String table, Path file) throws SQLException {
        update("COPY " + quote(table) + " TO '"
                + file.toAbsolutePath().toString().replace("'", "''") + "' (FORMAT PARQUET)");
    }

    /**
     * Runs {@code sql} and returns every row it gives (a statement that gives none returns no columns).
     *
     * @throws SQLException with DuckDB's message if the SQL is wrong or fails
     */
    public QueryResult execute(String sql) throws SQLException {
        try (Statement s = connection.createStatement()) {
            if (!s.execute(sql)) {
                return new QueryResult(List.of(), List.of(), List.of());
            }
            try (ResultSet r = s.getResultSet()) {
                ResultSetMetaData md = r.getMetaData();
                int n = md.getColumnCount();
                List<String> columns = new ArrayList<>(n);
                List<Boolean> numeric = new ArrayList<>(n);
                for (int i = 1; i <= n; i++) {
                    columns.add(md.getColumnLabel(i));
                    numeric.add(isNumeric(md.getColumnType(i)));
                }
                List<Object[]> rows = new ArrayList<>();
                while (r.next()) {
                    Object[] row = new Object[n];
                    for (int i = 1; i <= n; i++) {
                        row[i - 1] = r.getObject(i);
                    }
                    rows.add(row);
                }
                return new QueryResult(columns, numeric, rows);
            }
        }
    }

    /** SQL's quoting of an identifier: {@code "train.lr"}. */
    public static String quote(String identifier) {
        return '"' + identifier.replace("\"", "\"\"") + '"';
    }

    @Override
    public void close() throws SQLException {
        try {
            finishMetrics();
        } finally {
            connection.close();
        }
    }

    private void update(String sql) throws SQLException {
        try (Statement s = connection.createStatement()) {
            s.execute(sql);
        }
    }

    /** Each config key's column type, keys in order of first appearance. */
    static Map<String, String> configTypes(List<RunRow> runs) {
        Map<String, String> types = new LinkedHashMap<>();
        for (RunRow r : runs) {
            for (Map.Entry<String, Object> e : r.config().entrySet()) {
                types.merge(e.getKey(), typeOf(e.getValue()), QueryDatabase::widen);
            }
        }
        types.replaceAll((k, t) -> t.equals("NULL") ? "VARCHAR" : t);
        return types;
    }

    private static String typeOf(Object v) {
        if (v == null) {
            return "NULL";
        }
        if (v instanceof Long) {
            return "BIGINT";
        }
        if (v instanceof Double) {
            return "DOUBLE";
        }
        if (v instanceof Boolean) {
            return "BOOLEAN";
        }
        return "VARCHAR";
    }

    /** The type that holds values of both types: a null takes the other's; BIGINT and DOUBLE make DOUBLE. */
    private static String widen(String a, String b) {
        if (a.equals(b) || b.equals("NULL")) {
            return a;
        }
        if (a.equals("NULL")) {
            return b;
        }
        if ((a.equals("BIGINT") || a.equals("DOUBLE")) && (b.equals("BIGINT") || b.equals("DOUBLE"))) {
            return "DOUBLE";
        }
        return "VARCHAR";
    }

    private static void appendConfig(DuckDBAppender a, String type, Object v) throws SQLException {
        if (v == null) {
            a.appendNull();
            return;
        }
        switch (type) {
            case "BIGINT":
                a.append(((Number) v).longValue());
                break;
            case "DOUBLE":
                a.append(((Number) v).doubleValue());
                break;
            case "BOOLEAN":
                a.append(((Boolean) v).booleanValue());
                break;
            default:
                a.append(String.valueOf(v));
                break;
        }
    }

    private static boolean isNumeric(int sqlType) {
        switch (sqlType) {
            case Types.TINYINT:
            case Types.SMALLINT:
            case Types.INTEGER:
            case Types.BIGINT:
            case Types.FLOAT:
            case Types.REAL:
            case Types.DOUBLE:
            case Types.DECIMAL:
            case Types.NUMERIC:
                return true;
            default:
                return false;
        }
    }
}

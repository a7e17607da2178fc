package dev.vivarium.app.web;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vivarium.app.query.ConfigFlattener;
import dev.vivarium.store.run.RunDir;
import dev.vivarium.store.run.RunState;
import dev.vivarium.sweep.SweepFolder;
import dev.vivarium.sweep.SweepReport;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The dashboard's read-only JSON API, one method per endpoint, shared by the server ({@link Dashboard}) and the
 * report ({@link Report}), which embeds the same answers in its file. Runs are named by the ids the {@link
 * RunCatalog} lists and files by {@link WebFiles}' rules; anything else is {@link NotFound}. Non-finite numbers
 * are written as {@code null} (a gap in a curve).
 */
public final class Api {
    /** The most points a curve is drawn with: twice the buckets of {@link Downsample#minMax}. */
    public static final int DEFAULT_BUCKETS = 1000;

    private static final JsonFactory JSON = new JsonFactory();
    /** Reads the lens's JSON, which writes NaN and infinities as JSON's extension tokens. */
    private static final ObjectMapper MAPPER = com.fasterxml.jackson.databind.json.JsonMapper.builder()
            .enable(com.fasterxml.jackson.core.json.JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .build();

    private static final long MAX_ANALYSIS_BYTES = 64L << 20;

    private final RunCatalog catalog;
    private final MetricTable.Cache tables = new MetricTable.Cache(512);
    /** Each listed run's JSON in the runs list, kept while the catalog returns the same (cached) RunInfo. */
    private final Map<Path, Object[]> fragments = new java.util.concurrent.ConcurrentHashMap<>();

    /** Prediction registries shown beside the studies' ledgers: each a directory holding a ledger. */
    private final List<Path> registries;

    /** An API over the runs of {@code catalog}. */
    public Api(RunCatalog catalog) {
        this(catalog, List.of());
    }

    /**
     * An API over the runs of {@code catalog}, whose predictions are the studies' ledgers and those of {@code
     * registries} (directories holding a {@code predictions.ledger}, as {@code vivarium predict --registry}).
     */
    public Api(RunCatalog catalog, List<Path> registries) {
        this.catalog = catalog;
        this.registries = List.copyOf(registries);
    }

    /** The catalog it answers from. */
    public RunCatalog catalog() {
        return catalog;
    }

    @FunctionalInterface
    private interface Body {
        void write(JsonGenerator g) throws IOException;
    }

    private static String json(Body body) {
        StringWriter w = new StringWriter();
        try (JsonGenerator g = JSON.createGenerator(w)) {
            body.write(g);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return w.toString();
    }

    /** {@code /api/runs}: every run, with its status and last metrics. */
    public String runs() throws IOException {
        List<RunInfo> runs = catalog.runs();
        StringBuilder list = new StringBuilder();
        for (RunInfo r : runs) {
            Object[] cached = fragments.get(r.dir());
            String fragment;
            if (cached != null && cached[0] == r) {
                fragment = (String) cached[1];
            } else {
                fragment = json(g -> runFields(g, r, true));
                fragments.put(r.dir(), new Object[] {r, fragment});
            }
            if (list.length() > 0) {
                list.append(',');
            }
            list.append(fragment);
        }
        fragments.keySet().retainAll(runs.stream().map(RunInfo::dir).toList());
        return json(g -> {
            g.writeStartObject();
            g.writeFieldName("runs");
            g.writeRawValue("[" + list + "]");
            g.writeStringField("runsRoot", String.valueOf(catalog.runsRoot()));
            g.writeStringField("sweepsRoot", String.valueOf(catalog.sweepsRoot()));
            g.writeEndObject();
        });
    }

    /** Whether the runs list shows a metric: the losses and accuracies (the run page has every metric). */
    private static boolean listed(String metric) {
        return metric.endsWith("loss") || metric.contains("acc");
    }

    private static void runFields(JsonGenerator g, RunInfo r) throws IOException {
        runFields(g, r, false);
    }

    private static void runFields(JsonGenerator g, RunInfo r, boolean keyMetricsOnly) throws IOException {
        g.writeStartObject();
        g.writeStringField("id", r.id());
        g.writeStringField("sweep", r.sweep().orElse(null));
        g.writeStringField("recipe", r.recipe());
        g.writeStringField("state", r.state());
        g.writeNumberField("step", r.step());
        g.writeNumberField("totalSteps", r.totalSteps());
        g.writeStringField("started", r.started().toString());
        g.writeStringField("updated", r.updated().toString());
        number(g, "duration", r.durationSeconds());
        g.writeStringField("message", r.message().orElse(null));
        g.writeStringField("problem", r.problem().orElse(null));
        g.writeObjectFieldStart("last");
        for (Map.Entry<String, Double> e : new TreeMap<>(r.last()).entrySet()) {
            if (!keyMetricsOnly || listed(e.getKey())) {
                number(g, e.getKey(), e.getValue());
            }
        }
        g.writeEndObject();
        g.writeEndObject();
    }

    private RunInfo info(String id) throws IOException {
        return catalog.run(id).orElseThrow(() -> new NotFound("no run '" + id + "'"));
    }

    /** {@code /api/run?id=}: one run's status, config, checkpoints and analyses. */
    public String run(String id) throws IOException {
        RunInfo r = info(id);
        Map<String, Object> config = Map.of();
        String configText = null;
        String configProblem = null;
        if (r.problem().isEmpty()) {
            try {
                config = ConfigFlattener.read(r.dir().resolve("config.yaml"));
                configText = Files.readString(r.dir().resolve("config.yaml"), StandardCharsets.UTF_8);
            } catch (IOException | RuntimeException e) {
                configProblem = WebFiles.firstLine(e.getMessage());
            }
        }
        List<Long> checkpoints = List.of();
        try {
            checkpoints = RunDir.open(r.dir()).checkpointSteps();
        } catch (IOException | RuntimeException e) {
            // a run without a usable directory lists none
        }
        List<String> analyses = analyses(r.dir());
        Map<String, Object> cfg = config;
        String text = configText;
        String cfgProblem = configProblem;
        List<Long> cps = checkpoints;
        return json(g -> {
            g.writeStartObject();
            g.writeFieldName("run");
            runFields(g, r);
            g.writeObjectFieldStart("config");
            for (Map.Entry<String, Object> e : cfg.entrySet()) {
                g.writeFieldName(e.getKey());
                scalar(g, e.getValue());
            }
            g.writeEndObject();
            g.writeStringField("configText", text);
            g.writeStringField("configProblem", cfgProblem);
            g.writeArrayFieldStart("checkpoints");
            for (long s : cps) {
                g.writeNumber(s);
            }
            g.writeEndArray();
            g.writeArrayFieldStart("analyses");
            for (String a : analyses) {
                g.writeString(a);
            }
            g.writeEndArray();
            g.writeBooleanField(
                    "curvesPng", Files.isRegularFile(r.dir().resolve("curves.png"), LinkOption.NOFOLLOW_LINKS));
            g.writeEndObject();
        });
    }

    /**
     * The regular files under {@code RUN/analyses/} and its subfolders (one per analysis, one file per step), as
     * paths relative to it; symbolic links and hidden files left out.
     */
    static List<String> analyses(Path run) {
        Path dir = run.resolve("analyses");
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            return List.of();
        }
        try (Stream<Path> s = Files.walk(dir, 2)) {
            return s.filter(f -> Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS))
                    .map(f -> dir.relativize(f).toString())
                    .filter(n -> !n.startsWith(".") && !n.contains("/."))
                    .filter(n -> {
                        Path parent = dir.resolve(n).getParent();
                        return parent.equals(dir) || !Files.isSymbolicLink(parent);
                    })
                    .sorted()
                    .toList();
        } catch (IOException | java.io.UncheckedIOException e) {
            return List.of();
        }
    }

    /** A run's metric table, from the cache; a log that cannot be read at all is {@link NotFound}. */
    MetricTable table(RunInfo r) {
        return table(r, null);
    }

    /** A run's metric table with only the metrics {@code only} (all if null). */
    MetricTable table(RunInfo r, java.util.Set<String> only) {
        try {
            return tables.get(r.dir().resolve("metrics.jsonl"), r.state().equals(RunState.COMPLETED.name()), only);
        } catch (IOException | RuntimeException e) {
            throw new NotFound("run '" + r.id() + "': metrics unreadable: " + WebFiles.firstLine(e.getMessage()));
        }
    }

    /**
     * {@code /api/metrics?id=&buckets=}: every metric of a run, each downsampled to at most {@code 2 * buckets}
     * points, with the step and wall time of each point, and where the log broke if it did.
     */
    public String metrics(String id, int buckets) throws IOException {
        RunInfo r = info(id);
        if (r.problem().isPresent() && r.state().equals("BROKEN")) {
            return json(g -> {
                g.writeStartObject();
                g.writeStringField("id", r.id());
                g.writeStringField("problem", r.problem().get());
                g.writeObjectFieldStart("series");
                g.writeEndObject();
                g.writeEndObject();
            });
        }
        MetricTable t = table(r);
        double[] x = t.stepsAsDoubles();
        double[] wall = t.columns().get("wall_s");
        return json(g -> {
            g.writeStartObject();
            g.writeStringField("id", r.id());
            g.writeStringField("state", r.state());
            g.writeNumberField("rows", t.size());
            g.writeStringField("problem", t.problem().orElse(r.problem().orElse(null)));
            g.writeObjectFieldStart("series");
            for (Map.Entry<String, double[]> e : t.columns().entrySet()) {
                g.writeFieldName(e.getKey());
                curve(g, x, e.getValue(), wall, buckets, false);
            }
            g.writeEndObject();
            g.writeEndObject();
        });
    }

    /**
     * {@code /api/series?ids=&metric=&buckets=}: one metric of several runs, each downsampled, for overlays;
     * a run without the metric is listed under {@code missing}.
     */
    public String series(List<String> ids, String metric, int buckets) throws IOException {
        List<Object[]> found = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        List<RunInfo> infos = new ArrayList<>();
        for (String id : ids) {
            infos.add(info(id));
        }
        java.util.Set<String> only = java.util.Set.of(metric, "wall_s");
        List<MetricTable> loaded = infos.parallelStream()
                .map(r -> {
                    try {
                        return table(r, only);
                    } catch (NotFound e) {
                        return null;
                    }
                })
                .toList();
        for (int i = 0; i < infos.size(); i++) {
            MetricTable t = loaded.get(i);
            if (t == null || !t.columns().containsKey(metric)) {
                missing.add(infos.get(i).id());
            } else {
                found.add(new Object[] {infos.get(i).id(), t});
            }
        }
        return json(g -> {
            g.writeStartObject();
            g.writeStringField("metric", metric);
            g.writeArrayFieldStart("runs");
            for (Object[] f : found) {
                MetricTable t = (MetricTable) f[1];
                g.writeStartObject();
                g.writeStringField("id", (String) f[0]);
                g.writeFieldName("curve");
                curve(
                        g,
                        t.stepsAsDoubles(),
                        t.columns().get(metric),
                        t.columns().get("wall_s"),
                        buckets,
                        true);
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeArrayFieldStart("missing");
            for (String m : missing) {
                g.writeString(m);
            }
            g.writeEndArray();
            g.writeEndObject();
        });
    }

    /** {@code /api/configs?ids=}: the flattened configs of several runs, for a diff or a grouping. */
    public String configs(List<String> ids) throws IOException {
        Map<String, Map<String, Object>> out = new LinkedHashMap<>();
        Map<String, String> problems = new LinkedHashMap<>();
        for (String id : ids) {
            RunInfo r = info(id);
            try {
                out.put(id, ConfigFlattener.read(r.dir().resolve("config.yaml")));
            } catch (IOException | RuntimeException e) {
                problems.put(id, WebFiles.firstLine(e.getMessage()));
            }
        }
        return json(g -> {
            g.writeStartObject();
            g.writeObjectFieldStart("configs");
            for (Map.Entry<String, Map<String, Object>> e : out.entrySet()) {
                g.writeObjectFieldStart(e.getKey());
                for (Map.Entry<String, Object> kv : e.getValue().entrySet()) {
                    g.writeFieldName(kv.getKey());
                    scalar(g, kv.getValue());
                }
                g.writeEndObject();
            }
            g.writeEndObject();
            g.writeObjectFieldStart("problems");
            for (Map.Entry<String, String> e : problems.entrySet()) {
                g.writeStringField(e.getKey(), e.getValue());
            }
            g.writeEndObject();
            g.writeEndObject();
        });
    }

    /** {@code /api/sweeps}: every sweep folder with its points' state counts. */
    public String sweeps() throws IOException {
        List<SweepFolder> sweeps = catalog.sweeps();
        List<Object[]> rows = new ArrayList<>();
        for (SweepFolder s : sweeps) {
            Map<String, Integer> counts = new TreeMap<>();
            String problem = null;
            int points = 0;
            try {
                for (SweepReport.Row r : SweepReport.rows(s.root())) {
                    counts.merge(r.state(), 1, Integer::sum);
                    points++;
                }
            } catch (IOException | RuntimeException e) {
                problem = WebFiles.firstLine(e.getMessage());
            }
            rows.add(new Object[] {s.name(), points, counts, problem});
        }
        return json(g -> {
            g.writeStartObject();
            g.writeArrayFieldStart("sweeps");
            for (Object[] r : rows) {
                g.writeStartObject();
                g.writeStringField("name", (String) r[0]);
                g.writeNumberField("points", (Integer) r[1]);
                counts(g, cast(r[2]));
                g.writeStringField("problem", (String) r[3]);
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        });
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Integer> cast(Object o) {
        return (Map<String, Integer>) o;
    }

    private static void counts(JsonGenerator g, Map<String, Integer> counts) throws IOException {
        g.writeObjectFieldStart("counts");
        for (Map.Entry<String, Integer> e : counts.entrySet()) {
            g.writeNumberField(e.getKey(), e.getValue());
        }
        g.writeEndObject();
    }

    /**
     * {@code /api/sweep?name=}: a sweep's axes, state counts and points, each with its overrides, state and the
     * last logged value of every metric (for tables, heatmaps and lines against an axis).
     */
    public String sweep(String name) throws IOException {
        SweepFolder s = catalog.sweep(name).orElseThrow(() -> new NotFound("no sweep '" + name + "'"));
        List<SweepReport.Row> rows;
        try {
            rows = SweepReport.rows(s.root());
        } catch (IOException | RuntimeException e) {
            throw new NotFound("sweep '" + name + "': " + WebFiles.firstLine(e.getMessage()));
        }
        List<String> axes = SweepReport.axes(rows);
        Map<String, Integer> counts = new TreeMap<>();
        rows.forEach(r -> counts.merge(r.state(), 1, Integer::sum));
        List<Map<String, Double>> finals = rows.parallelStream()
                .map(r -> finalValues(s.name() + "/" + r.id()))
                .toList();
        return json(g -> {
            g.writeStartObject();
            g.writeStringField("name", s.name());
            g.writeArrayFieldStart("axes");
            for (String a : axes) {
                g.writeString(a);
            }
            g.writeEndArray();
            counts(g, counts);
            g.writeArrayFieldStart("points");
            for (int i = 0; i < rows.size(); i++) {
                SweepReport.Row r = rows.get(i);
                g.writeStartObject();
                g.writeStringField("id", r.id());
                g.writeStringField("run", s.name() + "/" + r.id());
                g.writeStringField("state", r.state());
                g.writeNumberField("step", r.step());
                g.writeObjectFieldStart("overrides");
                for (Map.Entry<String, String> e : r.overrides().entrySet()) {
                    g.writeStringField(e.getKey(), e.getValue());
                }
                g.writeEndObject();
                g.writeObjectFieldStart("final");
                for (Map.Entry<String, Double> e : finals.get(i).entrySet()) {
                    number(g, e.getKey(), e.getValue());
                }
                g.writeEndObject();
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        });
    }

    /** Each metric's last logged finite value of the run with {@code id}; empty if it has none or is unknown. */
    private Map<String, Double> finalValues(String id) {
        try {
            Optional<RunInfo> r = catalog.run(id);
            if (r.isEmpty() || r.get().state().equals("BROKEN")) {
                return Map.of();
            }
            MetricTable t = table(r.get());
            Map<String, Double> out = new TreeMap<>();
            for (Map.Entry<String, double[]> e : t.columns().entrySet()) {
                double[] v = e.getValue();
                for (int i = v.length - 1; i >= 0; i--) {
                    if (Double.isFinite(v[i])) {
                        out.put(e.getKey(), v[i]);
                        break;
                    }
                }
            }
            return out;
        } catch (IOException | RuntimeException e) {
            return Map.of();
        }
    }

    /**
     * {@code /api/analysis?id=&name=}: one JSON file of a run's {@code analyses/}, checked to be JSON, its
     * non-finite numbers as null.
     */
    public String analysis(String id, String name) throws IOException {
        RunInfo r = info(id);
        if (!name.endsWith(".json")) {
            throw new NotFound("'" + name + "': only the JSON files of analyses/ are served here");
        }
        Path f = safe(r, "analyses/" + name);
        if (Files.size(f) > MAX_ANALYSIS_BYTES) {
            throw new NotFound(f + ": larger than " + (MAX_ANALYSIS_BYTES >> 20) + " MB");
        }
        JsonNode node;
        try {
            node = MAPPER.readTree(f.toFile());
        } catch (IOException e) {
            throw new NotFound(f + ": not readable JSON: " + WebFiles.firstLine(e.getMessage()));
        }
        return MAPPER.writeValueAsString(finite(node));
    }

    private static JsonNode finite(JsonNode n) {
        if (n.isNumber() && !Double.isFinite(n.doubleValue())) {
            return com.fasterxml.jackson.databind.node.NullNode.getInstance();
        }
        if (n.isObject()) {
            var o = (com.fasterxml.jackson.databind.node.ObjectNode) n;
            List<String> keys = new ArrayList<>();
            o.fieldNames().forEachRemaining(keys::add);
            for (String k : keys) {
                o.set(k, finite(o.get(k)));
            }
        } else if (n.isArray()) {
            var a = (com.fasterxml.jackson.databind.node.ArrayNode) n;
            for (int i = 0; i < a.size(); i++) {
                a.set(i, finite(a.get(i)));
            }
        }
        return n;
    }

    /** A file of a run by its path relative to the run's directory, under {@link WebFiles#inside}'s rules. */
    public Path file(String id, String relative) throws IOException {
        return safe(info(id), relative);
    }

    private static Path safe(RunInfo r, String relative) {
        try {
            return WebFiles.inside(r.dir(), relative);
        } catch (IllegalArgumentException e) {
            throw new NotFound("run '" + r.id() + "': " + e.getMessage());
        }
    }

    /** A curve as {@code {step:[], wall:[], y:[]}}, downsampled; wall is omitted when the log has none. */
    private static void curve(JsonGenerator g, double[] x, double[] y, double[] wall, int buckets, boolean shared)
            throws IOException {
        // drop the steps that did not log this metric, then downsample what is left
        int n = 0;
        for (double v : y) {
            if (!Double.isNaN(v)) {
                n++;
            }
        }
        double[] ix = new double[n];
        double[] iy = new double[n];
        int k = 0;
        for (int i = 0; i < y.length; i++) {
            if (!Double.isNaN(y[i])) {
                ix[k] = i;
                iy[k++] = y[i];
            }
        }
        Downsample.Curve c = new Downsample.Curve(ix, iy);
        Downsample.Curve d = shared ? Downsample.minMaxAtBucketEnds(c, buckets) : Downsample.minMax(c, buckets);
        g.writeStartObject();
        g.writeArrayFieldStart("step");
        for (double i : d.x()) {
            g.writeNumber((long) x[(int) i]);
        }
        g.writeEndArray();
        if (wall != null) {
            g.writeArrayFieldStart("wall");
            for (double i : d.x()) {
                value(g, wall[(int) i]);
            }
            g.writeEndArray();
        }
        g.writeArrayFieldStart("y");
        for (double v : d.y()) {
            value(g, v);
        }
        g.writeEndArray();
        g.writeEndObject();
    }

    private static void value(JsonGenerator g, double v) throws IOException {
        if (Double.isFinite(v)) {
            g.writeNumber(v);
        } else {
            g.writeNull();
        }
    }

    private static void number(JsonGenerator g, String name, double v) throws IOException {
        g.writeFieldName(name);
        value(g, v);
    }

    private static void scalar(JsonGenerator g, Object v) throws IOException {
        if (v == null) {
            g.writeNull();
        } else if (v instanceof Long) {
            g.writeNumber((Long) v);
        } else if (v instanceof Double) {
            value(g, (Double) v);
        } else if (v instanceof Boolean) {
            g.writeBoolean((Boolean) v);
        } else {
            g.writeString(String.valueOf(v));
        }
    }

    /**
     * {@code /api/predictions}: every prediction ledger under the sweeps folder's {@code studies/*}/ folders and
     * of the registries given, each prediction with its claim, registration time, resolved value and scores, and
     * the ledger's calibration (event probabilities in ten bins, interval coverage by stated level) with counts.
     * A ledger that does not verify is listed with its one-line error and no rows.
     */
    public String predictions() throws IOException {
        return predictions(ledgers());
    }

    /** The ledgers {@link #predictions()} lists: name to directory, studies first, each directory once. */
    public Map<String, Path> ledgers() throws IOException {
        Map<String, Path> dirs = new LinkedHashMap<>();
        Path studies =
                catalog.sweepsRoot() == null ? null : catalog.sweepsRoot().resolve("studies");
        if (studies != null && Files.isDirectory(studies, LinkOption.NOFOLLOW_LINKS)) {
            try (Stream<Path> s = Files.list(studies)) {
                s.filter(d -> Files.isRegularFile(
                                d.resolve(dev.vivarium.laws.predict.PredictionRegistry.LEDGER),
                                LinkOption.NOFOLLOW_LINKS))
                        .sorted()
                        .forEach(d -> dirs.put("studies/" + d.getFileName(), d));
            }
        }
        java.util.Set<Path> seen = new java.util.HashSet<>();
        for (Path d : dirs.values()) {
            seen.add(real(d));
        }
        for (Path r : registries) {
            if (seen.add(real(r))) {
                dirs.put("registry " + r, r);
            }
        }
        return dirs;
    }

    private static Path real(Path p) {
        try {
            return p.toRealPath();
        } catch (IOException e) {
            return p.toAbsolutePath().normalize();
        }
    }

    /** {@code /api/predictions} over the named ledgers only (a report's). */
    public String predictions(Map<String, Path> ledgers) {
        return json(g -> {
            g.writeStartObject();
            g.writeArrayFieldStart("ledgers");
            for (Map.Entry<String, Path> d : ledgers.entrySet()) {
                writeLedger(g, d.getKey(), d.getValue());
            }
            g.writeEndArray();
            g.writeEndObject();
        });
    }

    private static void writeLedger(JsonGenerator g, String name, Path dir) throws IOException {
        g.writeStartObject();
        g.writeStringField("name", name);
        List<dev.vivarium.laws.predict.Prediction> list;
        Map<String, dev.vivarium.laws.predict.Resolution> resolved;
        try {
            dev.vivarium.laws.predict.PredictionRegistry reg = new dev.vivarium.laws.predict.PredictionRegistry(dir);
            list = reg.list();
            resolved = reg.resolutions();
        } catch (RuntimeException e) {
            g.writeStringField("error", "ledger " + name + ": " + WebFiles.firstLine(e.getMessage()));
            g.writeEndObject();
            return;
        }
        List<dev.vivarium.laws.predict.Score> scores = new ArrayList<>();
        g.writeArrayFieldStart("predictions");
        for (dev.vivarium.laws.predict.Prediction p : list) {
            g.writeStartObject();
            g.writeStringField("id", p.id());
            g.writeStringField("author", p.author());
            g.writeStringField(
                    "claim",
                    p.target().recipe() + "/" + p.target().config() + " "
                            + p.target().quantity() + ": "
                            + dev.vivarium.app.cmd.PredictCommand.describe(p.forecast()));
            g.writeStringField("registered", p.createdAt().toString());
            g.writeStringField("note", p.note());
            dev.vivarium.laws.predict.Forecast f = p.forecast();
            if (f instanceof dev.vivarium.laws.predict.Forecast.Range r) {
                number(g, "lo", r.lo());
                number(g, "hi", r.hi());
                number(g, "level", r.confidence());
            } else if (f instanceof dev.vivarium.laws.predict.Forecast.Event e) {
                number(g, "probability", e.probability());
            }
            dev.vivarium.laws.predict.Resolution r = resolved.get(p.id());
            if (r != null) {
                dev.vivarium.laws.predict.Score sc = dev.vivarium.laws.predict.Score.of(p, r);
                scores.add(sc);
                g.writeStringField("resolved", r.resolvedAt().toString());
                number(g, "value", r.value());
                g.writeBooleanField("preRegistered", r.preRegistered());
                g.writeBooleanField("hit", sc.hit());
                number(g, "brier", sc.brier());
                number(g, "log", sc.log());
                number(g, "interval", sc.interval());
                number(g, "crps", sc.crps());
            }
            g.writeEndObject();
        }
        g.writeEndArray();
        dev.vivarium.laws.predict.Scorecard card = new dev.vivarium.laws.predict.Scorecard(scores);
        g.writeArrayFieldStart("eventCalibration");
        calibration(g, card.eventCalibration(10));
        g.writeEndArray();
        g.writeArrayFieldStart("intervalCoverage");
        calibration(g, card.intervalCoverage());
        g.writeEndArray();
        g.writeEndObject();
    }

    private static void calibration(JsonGenerator g, List<dev.vivarium.laws.predict.Scorecard.CalibrationRow> rows)
            throws IOException {
        for (dev.vivarium.laws.predict.Scorecard.CalibrationRow c : rows) {
            g.writeStartObject();
            number(g, "lo", c.lo());
            number(g, "hi", c.hi());
            g.writeNumberField("count", c.count());
            number(g, "stated", c.forecast());
            number(g, "observed", c.observed());
            g.writeEndObject();
        }
    }
}

package dev.vivarium.lens.timeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vivarium.store.run.MetricLog;
import dev.vivarium.store.run.RunDir;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Every measure a run has, read from what is already written in its directory (nothing is computed here):
 * <ul>
 *   <li>{@code metrics.jsonl}: every logged column but the step, the wall clock, the learning rate and the
 *       per-parameter norms ({@code norm.*}; their total, {@code weight_norm}, is kept);
 *   <li>{@code analyses/progress.csv}: restricted and excluded loss and the two Gini coefficients;
 *   <li>{@code analyses/llc.json}: the LLC estimate at each checkpoint;
 *   <li>any other whole-run analysis with a {@code checkpoints} table ({@code analyses/heads.json}): each
 *       row's numbers, and of a per-layer, per-head table the largest head of each layer;
 *   <li>per-checkpoint analyses {@code analyses/<name>/step_*.json}: sharpness (top Hessian eigenvalue),
 *       spectra (the mean power-law alpha over the weight matrices whose fit is defined), CKA (linear CKA of
 *       each residual point to the last checkpoint), Fourier (Gini coefficients and the key frequencies'
 *       share of embedding energy when there is no progress table), and for any other analysis every
 *       top-level number ({@code <name>.<field>}) but bookkeeping fields such as the example count.
 * </ul>
 * A file that cannot be read is reported in {@link Read#problems} and the rest is still read.
 */
public final class Measures {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern STEP_FILE = Pattern.compile("step_(\\d{8})\\.json");
    private static final Set<String> METRIC_SKIP = Set.of("step", "wall_s", "lr");
    private static final Set<String> PROGRESS_KEEP =
            Set.of("restricted_loss", "excluded_loss", "gini_embed", "gini_neuron_logit");
    /** Top-level numbers of an analysis that describe the computation, not the model. */
    private static final Set<String> BOOKKEEPING = Set.of(
            "step", "examples", "position", "parameters", "seconds", "hessian_vector_products", "min_cluster_size");

    private Measures() {}

    /**
     * What was read.
     *
     * @param measures the measures, in the order above
     * @param problems a line per file that could not be read, naming it
     */
    public record Read(List<Measure> measures, List<String> problems) {}

    /** Reads the measures of the run at {@code dir}. */
    public static Read read(RunDir dir) throws IOException {
        List<Measure> out = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        metrics(dir, out, problems);
        Path analyses = dir.analysesDir();
        boolean progress = progress(analyses.resolve("progress.csv"), out, problems);
        llc(analyses.resolve("llc.json"), out, problems);
        if (Files.isDirectory(analyses)) {
            List<Path> wholeRun;
            try (Stream<Path> s = Files.list(analyses)) {
                wholeRun = s.filter(p -> p.getFileName().toString().endsWith(".json"))
                        .filter(Files::isRegularFile)
                        .filter(p -> !Set.of("llc.json", "timeline.json")
                                .contains(p.getFileName().toString()))
                        .sorted()
                        .toList();
            }
            for (Path file : wholeRun) {
                wholeRun(file, out, problems);
            }
            List<Path> folders;
            try (Stream<Path> s = Files.list(analyses)) {
                folders = s.filter(Files::isDirectory).sorted().toList();
            }
            for (Path folder : folders) {
                perCheckpoint(folder, progress, out, problems);
            }
        }
        return new Read(List.copyOf(out), List.copyOf(problems));
    }

    private static void metrics(RunDir dir, List<Measure> out, List<String> problems) throws IOException {
        if (!Files.isRegularFile(dir.metricsFile())) {
            return;
        }
        MetricLog.Contents c = new MetricLog(dir.metricsFile()).readValid();
        c.problem().ifPresent(p -> problems.add("metrics.jsonl: " + p + " (the rows before it are used)"));
        Map<String, Series> columns = new LinkedHashMap<>();
        for (Map<String, Double> row : c.rows()) {
            Double step = row.get("step");
            for (Map.Entry<String, Double> e : row.entrySet()) {
                String k = e.getKey();
                if (step == null
                        || METRIC_SKIP.contains(k)
                        || k.startsWith("norm.")
                        || !Double.isFinite(e.getValue())) {
                    continue;
                }
                columns.computeIfAbsent(k, x -> new Series()).add(step, e.getValue());
            }
        }
        columns.forEach((k, s) -> s.emit(k, "metrics.jsonl: " + k, out));
    }

    private static boolean progress(Path csv, List<Measure> out, List<String> problems) throws IOException {
        if (!Files.isRegularFile(csv)) {
            return false;
        }
        List<String> lines = Files.readAllLines(csv, StandardCharsets.UTF_8);
        if (lines.isEmpty()) {
            problems.add("analyses/progress.csv: empty");
            return false;
        }
        String[] header = lines.get(0).split(",", -1);
        Map<String, Series> cols = new LinkedHashMap<>();
        for (int i = 1; i < lines.size(); i++) {
            String[] f = lines.get(i).split(",", -1);
            if (f.length != header.length) {
                problems.add("analyses/progress.csv line " + (i + 1) + ": " + f.length + " fields, expected "
                        + header.length + " (the lines before it are used)");
                break;
            }
            double step = Double.parseDouble(f[0]);
            for (int j = 1; j < f.length; j++) {
                if (PROGRESS_KEEP.contains(header[j])) {
                    double v = parse(f[j]);
                    if (Double.isFinite(v)) {
                        cols.computeIfAbsent(header[j], x -> new Series()).add(step, v);
                    }
                }
            }
        }
        cols.forEach((k, s) -> s.emit(k, "analyses/progress.csv: " + k, out));
        return true;
    }

    private static void llc(Path file, List<Measure> out, List<String> problems) {
        if (!Files.isRegularFile(file)) {
            return;
        }
        try {
            JsonNode root = JSON.readTree(file.toFile());
            Series s = new Series();
            for (JsonNode row : root.path("checkpoints")) {
                if (row.path("llc").isNumber()) {
                    s.add(row.path("step").asDouble(), row.path("llc").asDouble());
                }
            }
            s.emit("llc", "analyses/llc.json: checkpoints[].llc", out);
        } catch (IOException e) {
            problems.add("analyses/llc.json: " + firstLine(e));
        }
    }

    /**
     * A whole-run analysis that reports per checkpoint ({@code checkpoints: [{step, ...}, ...]}, as
     * {@code heads} does): each row's top-level numbers as {@code <name>.<field>}, and a per-layer, per-head
     * table ({@code [layer][head]} numbers) as its largest head in each layer, {@code <name>.<field>.max_L<l>}.
     */
    private static void wholeRun(Path file, List<Measure> out, List<String> problems) {
        String name = file.getFileName().toString().replaceAll("\\.json$", "");
        try {
            JsonNode rows = JSON.readTree(file.toFile()).path("checkpoints");
            Map<String, Series> series = new LinkedHashMap<>();
            for (JsonNode row : rows) {
                if (!row.isObject() || !row.path("step").isNumber()) {
                    continue;
                }
                double step = row.path("step").asDouble();
                for (Iterator<Map.Entry<String, JsonNode>> it = row.fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> e = it.next();
                    JsonNode v = e.getValue();
                    if (v.isNumber() && !BOOKKEEPING.contains(e.getKey()) && Double.isFinite(v.asDouble())) {
                        series.computeIfAbsent(name + "." + e.getKey(), x -> new Series())
                                .add(step, v.asDouble());
                    } else if (v.isArray() && v.size() > 0 && v.get(0).isArray()) {
                        for (int l = 0; l < v.size(); l++) {
                            double max = Double.NEGATIVE_INFINITY;
                            for (JsonNode h : v.get(l)) {
                                if (h.isNumber()) {
                                    max = Math.max(max, h.asDouble());
                                }
                            }
                            if (Double.isFinite(max)) {
                                series.computeIfAbsent(name + "." + e.getKey() + ".max_L" + l, x -> new Series())
                                        .add(step, max);
                            }
                        }
                    }
                }
            }
            series.forEach((k, s) -> s.emit(
                    k,
                    "analyses/" + file.getFileName() + ": checkpoints[]."
                            + k.substring(name.length() + 1)
                                    .replaceAll("\\.max_L(\\d+)$", " (largest head of layer $1)"),
                    out));
        } catch (IOException e) {
            problems.add("analyses/" + file.getFileName() + ": " + firstLine(e));
        }
    }

    private static void perCheckpoint(Path folder, boolean progress, List<Measure> out, List<String> problems)
            throws IOException {
        String name = folder.getFileName().toString();
        TreeMap<Long, Path> files = new TreeMap<>();
        try (Stream<Path> s = Files.list(folder)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                Matcher m = STEP_FILE.matcher(p.getFileName().toString());
                if (m.matches() && Files.isRegularFile(p)) {
                    files.put(Long.parseLong(m.group(1)), p);
                }
            }
        }
        Map<String, Series> series = new LinkedHashMap<>();
        Map<String, String> sources = new LinkedHashMap<>();
        for (Map.Entry<Long, Path> f : files.entrySet()) {
            JsonNode root;
            try {
                root = JSON.readTree(f.getValue().toFile());
            } catch (IOException e) {
                problems.add("analyses/" + name + "/" + f.getValue().getFileName() + ": " + firstLine(e));
                continue;
            }
            double step = f.getKey();
            switch (name) {
                case "sharpness" -> put(
                        series,
                        sources,
                        "sharpness",
                        name + ": top_hessian_eigenvalue",
                        step,
                        root.path("top_hessian_eigenvalue"));
                case "spectra" -> {
                    double sum = 0;
                    int n = 0;
                    for (JsonNode m : root.path("matrices")) {
                        if (m.path("alpha").isNumber()
                                && Double.isFinite(m.path("alpha").asDouble())) {
                            sum += m.path("alpha").asDouble();
                            n++;
                        }
                    }
                    if (n > 0) {
                        put(
                                series,
                                sources,
                                "alpha",
                                name + ": mean of matrices[].alpha (defined fits)",
                                step,
                                JSON.getNodeFactory().numberNode(sum / n));
                    }
                }
                case "cka" -> {
                    JsonNode points = root.path("points");
                    JsonNode last = root.path("linear_to_last_checkpoint");
                    for (int i = 0; i < points.size() && i < last.size(); i++) {
                        String p = points.get(i).asText();
                        put(
                                series,
                                sources,
                                "cka_to_final:" + p,
                                name + ": linear_to_last_checkpoint[" + p + "]",
                                step,
                                last.get(i));
                    }
                }
                case "fourier" -> {
                    for (String k : List.of("gini_embed", "gini_neuron_logit", "key_fraction_of_embedding_energy")) {
                        if (!progress || !PROGRESS_KEEP.contains(k)) {
                            put(series, sources, k, name + ": " + k, step, root.path(k));
                        }
                    }
                }
                default -> {
                    for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
                        Map.Entry<String, JsonNode> e = it.next();
                        if (e.getValue().isNumber() && !BOOKKEEPING.contains(e.getKey())) {
                            put(series, sources, name + "." + e.getKey(), name + ": " + e.getKey(), step, e.getValue());
                        }
                    }
                }
            }
        }
        series.forEach((k, s) -> s.emit(k, "analyses/" + name + "/step_*.json: " + sources.get(k), out));
    }

    private static void put(
            Map<String, Series> series, Map<String, String> sources, String k, String source, double step, JsonNode v) {
        if (v.isNumber() && Double.isFinite(v.asDouble())) {
            series.computeIfAbsent(k, x -> new Series()).add(step, v.asDouble());
            sources.putIfAbsent(k, source.substring(source.indexOf(": ") + 2));
        }
    }

    /** The first line of a reader's error, for one line under {@link Read#problems}. */
    private static String firstLine(IOException e) {
        return e.getMessage() == null
                ? "unreadable"
                : e.getMessage().lines().findFirst().orElse("unreadable");
    }

    private static double parse(String s) {
        try {
            return Double.parseDouble(s);
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }

    /** A column being gathered: steps kept ascending, a repeated step keeps its last value. */
    private static final class Series {
        private final TreeMap<Double, Double> points = new TreeMap<>();

        void add(double step, double value) {
            points.put(step, value);
        }

        void emit(String name, String source, List<Measure> out) {
            if (points.isEmpty()) {
                return;
            }
            double[] x =
                    points.keySet().stream().mapToDouble(Double::doubleValue).toArray();
            double[] y =
                    points.values().stream().mapToDouble(Double::doubleValue).toArray();
            out.add(new Measure(name, source, x, y));
        }
    }
}

package dev.vivarium.app.study;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Set;

/**
 * A study file: fit a law on one sweep, forecast the points of a second sweep before they exist, train them and
 * score the forecast.
 *
 * <pre>
 * description: ...
 * fit: {sweep: ../sweeps/teacher-scaling.yaml, law: power, x: parameters, metric: test_loss, reduce: min}
 * heldout: {sweep: ../sweeps/teacher-heldout.yaml}
 * forecast: {level: 0.9, bootstrap: 400, seed: 0}
 * theory: {parameter: alpha, value: 1.0, says: "Sharma and Kaplan 2020: alpha = 4/d with d = 4"}
 * </pre>
 *
 * Paths are relative to the study file.
 *
 * @param source the study file
 * @param name the study's name (the file's, without .yaml)
 * @param description what it tests
 * @param fitSweep the sweep spec whose points the law is fitted on
 * @param law {@code power}, {@code saturating}
 * @param x the fit's input: a config key or {@code parameters}
 * @param metric the metric fitted and forecast
 * @param reduce {@code final}, {@code min} or {@code max} over a run's log
 * @param heldoutSweep the sweep spec whose points are forecast, then trained
 * @param level the forecast interval's coverage
 * @param bootstrap bootstrap resamples for the interval
 * @param seed the bootstrap's seed
 * @param theoryParameter the law parameter a theory predicts, or null
 * @param theoryValue its predicted value
 * @param theorySays where the prediction comes from
 */
public record StudySpec(
        Path source,
        String name,
        String description,
        Path fitSweep,
        String law,
        String x,
        String metric,
        String reduce,
        Path heldoutSweep,
        double level,
        int bootstrap,
        long seed,
        String theoryParameter,
        double theoryValue,
        String theorySays) {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    /** Reads and checks a study file; every problem is one line naming the file and the key. */
    public static StudySpec read(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException(file + ": not found or not a regular file; a study is a YAML file");
        }
        JsonNode root;
        try {
            if (Files.size(file) > 1 << 20) {
                throw new IllegalArgumentException(file + ": " + Files.size(file) + " bytes; a study is a few kB");
            }
            root = YAML.readTree(file.toFile());
        } catch (IOException e) {
            throw new IllegalArgumentException(file + ": not valid YAML: "
                    + e.getMessage().lines().findFirst().orElse(""));
        }
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException(file + ": expected a mapping with fit:, heldout:, forecast:");
        }
        keys(file, "", root, Set.of("description", "fit", "heldout", "forecast", "theory"));
        JsonNode fit = block(file, root, "fit", true);
        keys(file, "fit.", fit, Set.of("sweep", "law", "x", "metric", "reduce"));
        JsonNode held = block(file, root, "heldout", true);
        keys(file, "heldout.", held, Set.of("sweep"));
        JsonNode forecast = block(file, root, "forecast", false);
        keys(file, "forecast.", forecast, Set.of("level", "bootstrap", "seed"));
        JsonNode theory = block(file, root, "theory", false);
        keys(file, "theory.", theory, Set.of("parameter", "value", "says"));
        Path dir = file.toAbsolutePath().getParent();
        String law = text(file, fit, "fit.law", "power");
        if (!Set.of("power", "saturating").contains(law)) {
            throw new IllegalArgumentException(file + ": fit.law = '" + law + "': must be power or saturating");
        }
        String reduce = text(file, fit, "fit.reduce", "final");
        if (!Set.of("final", "min", "max").contains(reduce)) {
            throw new IllegalArgumentException(file + ": fit.reduce = '" + reduce + "': must be final, min or max");
        }
        double level = number(file, forecast, "forecast.level", 0.9);
        if (!(level > 0 && level < 1)) {
            throw new IllegalArgumentException(file + ": forecast.level = " + level + ": must be in (0, 1)");
        }
        double resamples = number(file, forecast, "forecast.bootstrap", 400);
        if (resamples < 50 || resamples > 100_000 || resamples != Math.rint(resamples)) {
            throw new IllegalArgumentException(
                    file + ": forecast.bootstrap = " + resamples + ": must be a whole number in [50, 100000]");
        }
        String parameter = theory.has("parameter") ? text(file, theory, "theory.parameter", null) : null;
        if (parameter != null && !theory.has("value")) {
            throw new IllegalArgumentException(file + ": theory.value: required with theory.parameter");
        }
        return new StudySpec(
                file,
                file.getFileName().toString().replaceFirst("\\.ya?ml$", ""),
                text(file, root, "description", ""),
                dir.resolve(text(file, fit, "fit.sweep", null)).normalize(),
                law,
                text(file, fit, "fit.x", "parameters"),
                text(file, fit, "fit.metric", "test_loss"),
                reduce,
                dir.resolve(text(file, held, "heldout.sweep", null)).normalize(),
                level,
                (int) resamples,
                (long) number(file, forecast, "forecast.seed", 0),
                parameter,
                parameter == null ? Double.NaN : number(file, theory, "theory.value", Double.NaN),
                text(file, theory, "theory.says", ""));
    }

    private static JsonNode block(Path file, JsonNode root, String key, boolean required) {
        JsonNode b = root.get(key);
        if (b == null) {
            if (required) {
                throw new IllegalArgumentException(file + ": " + key + ": required");
            }
            return YAML.createObjectNode();
        }
        if (!b.isObject()) {
            throw new IllegalArgumentException(file + ": " + key + ": expected a mapping");
        }
        return b;
    }

    private static void keys(Path file, String prefix, JsonNode node, Set<String> allowed) {
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!allowed.contains(k)) {
                throw new IllegalArgumentException(file + ": " + prefix + k + ": unknown key (expected one of "
                        + new java.util.TreeSet<>(allowed) + ")");
            }
        }
    }

    private static String text(Path file, JsonNode node, String key, String fallback) {
        JsonNode v = node.get(key.substring(key.lastIndexOf('.') + 1));
        if (v == null || v.isNull()) {
            if (fallback == null) {
                throw new IllegalArgumentException(file + ": " + key + ": required");
            }
            return fallback;
        }
        if (!v.isValueNode()) {
            throw new IllegalArgumentException(file + ": " + key + ": expected a value, got " + v.getNodeType());
        }
        return v.asText();
    }

    private static double number(Path file, JsonNode node, String key, double fallback) {
        JsonNode v = node.get(key.substring(key.lastIndexOf('.') + 1));
        if (v == null || v.isNull()) {
            return fallback;
        }
        if (!v.isNumber()) {
            throw new IllegalArgumentException(file + ": " + key + ": expected a number, got '" + v.asText() + "'");
        }
        return v.asDouble();
    }
}

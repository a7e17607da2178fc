package dev.vivarium.sweep;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.charset.MalformedInputException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Reads a sweep spec file: the recipe it sweeps (a path relative to the spec file), optional fixed
 * overrides, and the {@code sweep:} block. The recipe itself stays an ordinary recipe; the spec never
 * changes what a recipe file may hold.
 *
 * <pre>
 * recipe: ../grokking-quick.yaml
 * set: {train.steps: 3000}
 * sweep:
 *   grid: {train.weightDecay: [0, 0.3, 1.0]}
 *   zip: {model.dModel: [64, 128], model.dMlp: [256, 512]}
 *   random: {n: 8, seed: 1, axes: {train.lr: {loguniform: [1e-4, 1e-2]}}}
 *   seeds: 3
 * slurm: {time: "2:00:00", mem: 4G, cpusPerTask: 2, partition: gpu, account: lab, maxRunning: 20,
 *         sbatch: ["--qos=low"]}
 * </pre>
 */
public final class SpecReader {
    private static final YAMLMapper YAML = YAMLMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();

    /** A spec is a few hundred bytes; anything past this is not one. */
    public static final long MAX_SPEC_BYTES = 1 << 20;

    private static final Set<String> TOP = Set.of("recipe", "description", "set", "sweep", "slurm");
    private static final Set<String> SWEEP = Set.of("grid", "zip", "random", "seeds");
    private static final Set<String> RANDOM = Set.of("n", "seed", "axes");
    private static final Set<String> SLURM =
            Set.of("time", "mem", "cpusPerTask", "partition", "account", "sbatch", "maxRunning");
    private static final Set<String> KINDS = Set.of("loguniform", "uniform", "choice");

    private SpecReader() {}

    /** Reads the spec at {@code file}; the recipe path in it is resolved against the spec's directory. */
    public static SweepSpec read(Path file) {
        String source = file.toString();
        if (!Files.exists(file)) {
            throw new SweepException(source + ": no such sweep spec file");
        }
        if (!Files.isRegularFile(file)) {
            throw new SweepException(source + ": not a regular file; a sweep spec is a YAML file");
        }
        String text;
        try {
            if (Files.size(file) > MAX_SPEC_BYTES) {
                throw new SweepException(source + ": over " + MAX_SPEC_BYTES + " bytes; a sweep spec is a few hundred");
            }
            text = Files.readString(file);
        } catch (MalformedInputException e) {
            throw new SweepException(source + ": not UTF-8 text; a sweep spec is a YAML file", e);
        } catch (IOException e) {
            throw new SweepException(source + ": cannot read: " + e.getMessage(), e);
        }
        Path dir = file.toAbsolutePath().getParent();
        return parse(text, source, dir);
    }

    /** Parses spec text; {@code source} names it in errors, {@code dir} resolves its recipe path. */
    public static SweepSpec parse(String text, String source, Path dir) {
        JsonNode root;
        try (JsonParser p = YAML.createParser(text)) {
            root = YAML.readTree(p);
            if (p.nextToken() != null) {
                throw new SweepException(source + ": a second YAML document starts at line "
                        + p.currentTokenLocation().getLineNr() + "; a sweep spec is one document");
            }
        } catch (JsonProcessingException e) {
            String where =
                    e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ")";
            throw new SweepException(
                    source + ": not valid YAML: "
                            + e.getOriginalMessage().lines().findFirst().orElse("") + where,
                    e);
        } catch (IOException e) {
            throw new SweepException(source + ": cannot be read as YAML: " + e.getMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new SweepException(source + ": a sweep spec is a YAML mapping with recipe and sweep");
        }
        only(root, TOP, source, "");
        JsonNode recipe = root.get("recipe");
        if (recipe == null || !recipe.isTextual() || recipe.asText().isBlank()) {
            throw new SweepException(
                    source + ": recipe: missing; the path of the recipe to sweep, relative to this file");
        }
        JsonNode sweep = root.get("sweep");
        if (sweep == null || !sweep.isObject()) {
            throw new SweepException(source + ": sweep: missing; a mapping with grid, zip, random and/or seeds");
        }
        only(sweep, SWEEP, source, "sweep.");
        if (!sweep.fieldNames().hasNext()) {
            throw new SweepException(source + ": sweep: empty; give at least one of grid, zip, random, seeds");
        }
        Map<String, String> set = new LinkedHashMap<>();
        JsonNode fixed = root.get("set");
        if (fixed != null) {
            mapping(fixed, source, "set").forEach((k, v) -> set.put(k, value(v, source, "set." + k)));
        }
        try {
            return new SweepSpec(
                    source,
                    dir.resolve(recipe.asText()).normalize(),
                    set,
                    lists(sweep.get("grid"), source, "sweep.grid"),
                    lists(sweep.get("zip"), source, "sweep.zip"),
                    random(sweep.get("random"), source),
                    seeds(sweep.get("seeds"), source),
                    slurm(root.get("slurm"), source));
        } catch (IllegalArgumentException e) {
            throw new SweepException(source + ": " + e.getMessage(), e);
        }
    }

    /** The {@code slurm:} block: what the job array of {@code --executor slurm} asks for. */
    private static SlurmOptions slurm(JsonNode node, String source) {
        if (node == null) {
            return SlurmOptions.none();
        }
        mapping(node, source, "slurm");
        only(node, SLURM, source, "slurm.");
        List<String> lines = new ArrayList<>();
        JsonNode sbatch = node.get("sbatch");
        if (sbatch != null) {
            if (!sbatch.isArray()) {
                throw new SweepException(source + ": slurm.sbatch: " + sbatch
                        + " is not a list; give sbatch options, for example [\"--qos=low\"]");
            }
            for (int i = 0; i < sbatch.size(); i++) {
                lines.add(scalar(sbatch.get(i), source, "slurm.sbatch[" + i + "]"));
            }
        }
        try {
            return new SlurmOptions(
                    text(node, "time", source),
                    text(node, "mem", source),
                    count(node, "cpusPerTask", source),
                    text(node, "partition", source),
                    text(node, "account", source),
                    lines,
                    count(node, "maxRunning", source));
        } catch (IllegalArgumentException e) {
            throw new SweepException(source + ": slurm." + e.getMessage(), e);
        }
    }

    private static Optional<String> text(JsonNode block, String key, String source) {
        JsonNode v = block.get(key);
        return v == null ? Optional.empty() : Optional.of(scalar(v, source, "slurm." + key));
    }

    private static java.util.OptionalInt count(JsonNode block, String key, String source) {
        JsonNode v = block.get(key);
        return v == null ? java.util.OptionalInt.empty() : java.util.OptionalInt.of(integer(v, source, "slurm." + key));
    }

    private static String scalar(JsonNode v, String source, String at) {
        if (v == null || !v.isValueNode() || v.isNull()) {
            throw new SweepException(source + ": " + at + ": " + v + " is not a value; give text such as 2:00:00");
        }
        return v.asText();
    }

    private static Map<String, List<String>> lists(JsonNode node, String source, String where) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        if (node == null) {
            return out;
        }
        mapping(node, source, where).forEach((key, values) -> {
            if (!values.isArray()) {
                throw new SweepException(source + ": " + where + "." + key + ": " + values
                        + " is not a list; an axis lists its values, for example [0, 0.3, 1.0]");
            }
            List<String> v = new ArrayList<>();
            for (int i = 0; i < values.size(); i++) {
                v.add(value(values.get(i), source, where + "." + key + "[" + i + "]"));
            }
            out.put(key, v);
        });
        return out;
    }

    private static Optional<RandomAxes> random(JsonNode node, String source) {
        if (node == null) {
            return Optional.empty();
        }
        String where = "sweep.random";
        mapping(node, source, where);
        only(node, RANDOM, source, where + ".");
        int n = integer(node.get("n"), source, where + ".n");
        long seed = integer(node.get("seed"), source, where + ".seed");
        Map<String, Distribution> axes = new LinkedHashMap<>();
        JsonNode axesNode = node.get("axes");
        if (axesNode == null) {
            throw new SweepException(source + ": " + where + ".axes: missing; name each key and its distribution");
        }
        mapping(axesNode, source, where + ".axes").forEach((key, d) -> {
            String at = where + ".axes." + key;
            if (!d.isObject() || d.size() != 1 || !KINDS.contains(d.fieldNames().next())) {
                throw new SweepException(source + ": " + at + ": " + d
                        + " is not a distribution; give one of {loguniform: [lo, hi]}, {uniform: [lo, hi]},"
                        + " {choice: [a, b, ...]}");
            }
            String kind = d.fieldNames().next();
            JsonNode args = d.get(kind);
            try {
                axes.put(
                        key,
                        switch (kind) {
                            case "choice" -> new Distribution.Choice(
                                    lists(YAML.createObjectNode().set("v", args), source, at)
                                            .get("v"));
                            case "uniform" -> new Distribution.Uniform(
                                    bound(args, 0, source, at), bound(args, 1, source, at));
                            default -> new Distribution.LogUniform(
                                    bound(args, 0, source, at), bound(args, 1, source, at));
                        });
            } catch (IllegalArgumentException e) {
                throw new SweepException(source + ": " + at + ": " + e.getMessage(), e);
            }
        });
        try {
            return Optional.of(new RandomAxes(n, seed, axes));
        } catch (IllegalArgumentException e) {
            throw new SweepException(source + ": " + where + "." + e.getMessage(), e);
        }
    }

    private static double bound(JsonNode args, int i, String source, String at) {
        if (!args.isArray()
                || args.size() != 2
                || !args.get(0).isNumber()
                || !args.get(1).isNumber()) {
            throw new SweepException(source + ": " + at + ": " + args + " is not [lo, hi]; give two numbers");
        }
        return args.get(i).asDouble();
    }

    private static List<Long> seeds(JsonNode node, String source) {
        List<Long> seeds = new ArrayList<>();
        if (node == null) {
            return seeds;
        }
        if (node.isIntegralNumber()) {
            long count = node.asLong();
            if (count < 1 || count > 1_000_000) {
                throw new SweepException(source + ": sweep.seeds: " + count + "; a count of seeds is at least 1");
            }
            for (long s = 0; s < count; s++) {
                seeds.add(s);
            }
            return seeds;
        }
        if (!node.isArray()) {
            throw new SweepException(
                    source + ": sweep.seeds: " + node + "; give a count (3 means seeds 0, 1, 2) or a list [0, 1, 2]");
        }
        if (node.isEmpty()) {
            throw new SweepException(source + ": sweep.seeds: empty; an axis needs at least one value");
        }
        for (int i = 0; i < node.size(); i++) {
            seeds.add((long) integer(node.get(i), source, "sweep.seeds[" + i + "]"));
        }
        return seeds;
    }

    private static int integer(JsonNode node, String source, String at) {
        if (node == null) {
            throw new SweepException(source + ": " + at + ": missing; an integer");
        }
        if (!node.isIntegralNumber() || !node.canConvertToInt()) {
            throw new SweepException(source + ": " + at + ": " + node + " is not an integer");
        }
        return node.asInt();
    }

    /** A YAML value as the text of a {@code key=value} override: scalars as written, lists and maps as flow YAML. */
    private static String value(JsonNode v, String source, String at) {
        if (v == null || v.isNull()) {
            throw new SweepException(source + ": " + at + ": null; give a value");
        }
        return v.isValueNode() ? v.asText() : v.toString();
    }

    private static Map<String, JsonNode> mapping(JsonNode node, String source, String where) {
        if (!node.isObject()) {
            throw new SweepException(source + ": " + where + ": " + node + " is not a mapping of key: values");
        }
        Map<String, JsonNode> out = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            out.put(e.getKey(), e.getValue());
        }
        return out;
    }

    private static void only(JsonNode node, Set<String> allowed, String source, String prefix) {
        node.fieldNames().forEachRemaining(name -> {
            if (!allowed.contains(name)) {
                throw new SweepException(source + ": unknown field '" + prefix + name + "'; allowed here: "
                        + String.join(", ", allowed.stream().sorted().toList()));
            }
        });
    }
}

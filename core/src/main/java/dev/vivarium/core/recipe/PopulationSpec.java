package dev.vivarium.core.recipe;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A recipe's {@code population:} block: the members of a population trained as one computation, as axes of
 * values whose product gives one member each, in the recipe's own override syntax (dotted keys):
 *
 * <pre>{@code
 * population:
 *   seed: {range: [0, 16]}          # 0, 1, ..., 15 (end exclusive)
 *   train.lr: [1.0e-3, 3.0e-3]
 * }</pre>
 *
 * gives 32 members, the last axis varying fastest. Each member is the recipe with its values applied after the
 * command line's {@code --set}s; what members may differ in is checked when the population is made
 * ({@code PopulationRun.requireCompatible}).
 *
 * @param members each member's resolved recipe
 * @param overrides each member's own assignments, {@code key=value}
 */
public record PopulationSpec(List<Recipe> members, List<List<String>> overrides) {
    private static final YAMLMapper YAML = YAMLMapper.builder(YAMLFactory.builder()
                    .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
                    .build())
            .build();

    /** Most members one recipe may make. */
    public static final int MAX_MEMBERS = 4096;

    public PopulationSpec {
        members = List.copyOf(members);
        overrides = overrides.stream().map(List::copyOf).toList();
    }

    /** The population of {@code file}, empty when the recipe has no {@code population:} block. */
    public static Optional<PopulationSpec> load(Path file, List<String> commandLine) {
        String source = file.toString();
        String text = RecipeLoader.readText(file);
        JsonNode tree;
        try {
            tree = YAML.readTree(text);
        } catch (IOException e) {
            return Optional.empty(); // the recipe loader names the YAML problem
        }
        if (tree == null || !tree.isObject() || !tree.has("population")) {
            return Optional.empty();
        }
        ObjectNode root = (ObjectNode) tree;
        JsonNode block = root.remove("population");
        if (!block.isObject() || block.isEmpty()) {
            throw new RecipeException(source
                    + ": population: expected a mapping of keys to lists of values, e.g. {seed: {range: [0, 16]}}");
        }
        List<String> keys = new ArrayList<>();
        List<List<String>> values = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = block.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            keys.add(e.getKey());
            values.add(values(source, e.getKey(), e.getValue()));
        }
        long count = 1;
        for (List<String> v : values) {
            count *= v.size();
            if (count > MAX_MEMBERS) {
                throw new RecipeException(
                        source + ": population: more than " + MAX_MEMBERS + " members; split it into several recipes");
            }
        }
        String rest;
        try {
            rest = YAML.writeValueAsString(root);
        } catch (IOException e) {
            throw new RecipeException(source + ": " + e.getMessage(), e);
        }
        List<List<String>> assignments = new ArrayList<>();
        assignments.add(List.of());
        for (int k = 0; k < keys.size(); k++) {
            List<List<String>> next = new ArrayList<>();
            for (List<String> a : assignments) {
                for (String v : values.get(k)) {
                    List<String> b = new ArrayList<>(a);
                    b.add(keys.get(k) + "=" + v);
                    next.add(b);
                }
            }
            assignments = next;
        }
        List<Recipe> members = new ArrayList<>();
        for (List<String> a : assignments) {
            List<String> all = new ArrayList<>(commandLine);
            all.addAll(a);
            try {
                members.add(RecipeLoader.parse(rest, source, all));
            } catch (RecipeException e) {
                throw new RecipeException(
                        source + ": population member " + members.size() + " (" + String.join(" ", a) + "): "
                                + e.getMessage().replaceFirst("^" + java.util.regex.Pattern.quote(source) + ": ", ""),
                        e);
            }
        }
        return Optional.of(new PopulationSpec(members, assignments));
    }

    private static List<String> values(String source, String key, JsonNode v) {
        List<String> out = new ArrayList<>();
        if (v.isArray() && !v.isEmpty()) {
            for (JsonNode x : v) {
                if (!x.isValueNode()) {
                    throw new RecipeException(source + ": population." + key + ": values must be numbers or words");
                }
                out.add(x.asText());
            }
            return out;
        }
        if (v.isObject() && v.has("range") && v.size() == 1) {
            JsonNode r = v.get("range");
            if (r.isArray()
                    && r.size() == 2
                    && r.get(0).canConvertToLong()
                    && r.get(1).canConvertToLong()
                    && r.get(0).isIntegralNumber()
                    && r.get(1).isIntegralNumber()
                    && r.get(1).asLong() > r.get(0).asLong()) {
                for (long i = r.get(0).asLong(); i < r.get(1).asLong() && out.size() <= MAX_MEMBERS; i++) {
                    out.add(Long.toString(i));
                }
                return out;
            }
        }
        throw new RecipeException(source + ": population." + key
                + ": expected a non-empty list of values or {range: [start, end]} (whole numbers, end exclusive), got "
                + v);
    }
}

package dev.vivarium.core.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vivarium.core.recipe.PopulationSpec;
import dev.vivarium.store.io.AtomicFiles;
import dev.vivarium.store.run.RunIndex;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The folder of a population made by {@code vivarium run} from a recipe with a {@code population:} block: {@code
 * population.json} (the recipe's name and each member's id and own assignments) and one ordinary run directory
 * per member, {@code <folder>/<id>/}. {@code vivarium runs} lists the members as {@code <folder>/<id>}; {@code
 * vivarium resume <folder>} continues the population, {@code vivarium resume <folder>/<id>} one member alone.
 */
public final class PopulationFolder {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private PopulationFolder() {}

    /** Whether {@code dir} is a population's folder. */
    public static boolean is(Path dir) {
        return Files.isRegularFile(dir.resolve(RunIndex.POPULATION_FILE));
    }

    /** Member ids {@code m00}, {@code m01}, ... wide enough for {@code n}. */
    static String id(int m, int n) {
        int width = Math.max(2, Integer.toString(n - 1).length());
        return String.format(Locale.ROOT, "m%0" + width + "d", m);
    }

    /** Makes the folder (it must not exist) with its {@code population.json}; returns the members to train. */
    public static List<PopulationRun.Member> create(Path folder, PopulationSpec spec) throws IOException {
        if (Files.exists(folder)) {
            throw new IllegalArgumentException(folder + " exists; a population gets a new folder");
        }
        Files.createDirectories(folder);
        ObjectNode root = JSON.createObjectNode();
        root.put("format", "vivarium-population-1");
        root.put("recipe", spec.members().get(0).name());
        ArrayNode ms = root.putArray("members");
        List<PopulationRun.Member> out = new ArrayList<>();
        int n = spec.members().size();
        for (int m = 0; m < n; m++) {
            String id = id(m, n);
            ObjectNode e = ms.addObject();
            e.put("id", id);
            ArrayNode o = e.putArray("overrides");
            spec.overrides().get(m).forEach(o::add);
            out.add(new PopulationRun.Member(spec.members().get(m), folder.resolve(id)));
        }
        AtomicFiles.writeString(
                folder.resolve(RunIndex.POPULATION_FILE),
                JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root));
        return out;
    }

    /** The member run directories listed in a population folder's {@code population.json}. */
    public static List<Path> members(Path folder) throws IOException {
        Path file = folder.resolve(RunIndex.POPULATION_FILE);
        JsonNode root;
        try {
            root = JSON.readTree(Files.readString(file));
        } catch (IOException e) {
            throw new IOException(file + ": not a population file: " + e.getMessage(), e);
        }
        JsonNode ms = root == null ? null : root.get("members");
        if (ms == null || !ms.isArray() || ms.isEmpty()) {
            throw new IOException(file + ": members: expected a non-empty list");
        }
        List<Path> out = new ArrayList<>();
        for (JsonNode m : ms) {
            String id = m.path("id").asText("");
            if (!id.matches("[A-Za-z0-9_.-]+") || id.equals(".") || id.equals("..")) {
                throw new IOException(
                        file + ": members[" + out.size() + "].id: expected a plain directory name, got '" + id + "'");
            }
            out.add(folder.resolve(id));
        }
        return out;
    }

    /** Each member's label: its id and its own values ({@code m03 task.sparsity=0.99}), in member order. */
    public static List<String> labels(Path folder) throws IOException {
        JsonNode root = JSON.readTree(Files.readString(folder.resolve(RunIndex.POPULATION_FILE)));
        List<String> out = new ArrayList<>();
        for (JsonNode m : root.path("members")) {
            StringBuilder b = new StringBuilder(m.path("id").asText());
            for (JsonNode o : m.path("overrides")) {
                b.append(' ').append(o.asText());
            }
            out.add(b.toString());
        }
        return out;
    }
}

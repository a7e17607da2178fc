package dev.vivarium.core.recipe;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;

/** {@code --set train.lr=3e-4}: a dotted path into the recipe and a YAML value. */
final class Overrides {
    private Overrides() {}

    /**
     * An error about a field that a {@code --set} wrote is the override's, not the file's: the message then
     * names the override ({@code --set train.lr=1e30: train.lr: ...}) instead of the recipe file.
     */
    static RecipeException blame(RecipeException e, String source, java.util.List<String> overrides) {
        String prefix = source + ": ";
        String m = e.getMessage();
        if (m == null || !m.startsWith(prefix) || m.startsWith(prefix + "--set ")) {
            return e;
        }
        String detail = m.substring(prefix.length());
        for (int i = overrides.size() - 1; i >= 0; i--) {
            String o = overrides.get(i);
            int eq = o.indexOf('=');
            String key = eq > 0 ? o.substring(0, eq).trim() : o.trim();
            if (!key.isEmpty()
                    && (detail.startsWith(key + ":")
                            || detail.startsWith(key + " ")
                            || detail.startsWith(key + ".")
                            || detail.contains("'" + key + "'"))) {
                return new RecipeException("--set " + o.trim() + ": " + detail, e);
            }
        }
        return e;
    }

    static void apply(ObjectNode root, String assignment, String source, ObjectMapper yaml) {
        int eq = assignment.indexOf('=');
        if (eq <= 0) {
            throw new RecipeException("--set '" + assignment + "': not key=value (for example train.lr=3e-4)");
        }
        String key = assignment.substring(0, eq).trim();
        String raw = assignment.substring(eq + 1).trim();
        JsonNode value;
        try {
            value = raw.isEmpty() ? TextNode.valueOf("") : yaml.readTree(raw);
        } catch (JsonProcessingException e) {
            value = TextNode.valueOf(raw);
        }
        if (value == null || value.isMissingNode()) {
            value = TextNode.valueOf(raw);
        }
        String[] parts = key.split("\\.");
        ObjectNode node = root;
        for (int i = 0; i < parts.length - 1; i++) {
            JsonNode child = node.get(parts[i]);
            if (child == null || child.isNull()) {
                child = node.putObject(parts[i]);
            }
            if (!child.isObject()) {
                throw new RecipeException("--set " + assignment + ": '"
                        + String.join(".", java.util.Arrays.copyOf(parts, i + 1)) + "' is a value, not a section");
            }
            node = (ObjectNode) child;
        }
        node.set(parts[parts.length - 1], value);
    }
}

package dev.vivarium.core.recipe;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vivarium.core.model.ModelConfig;
import dev.vivarium.core.task.TaskConfig;
import dev.vivarium.core.train.TrainConfig;
import java.lang.reflect.RecordComponent;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Set;
import java.util.TreeSet;

/**
 * Rejects fields a recipe section does not have, before binding. Jackson reports an unknown field
 * of a record only after building it, so a misspelt required field ({@code dModle}) would otherwise
 * surface as the real one missing.
 */
final class Fields {
    private Fields() {}

    static void check(ObjectNode root, String source) {
        known(root, "", Recipe.class, source);
        section(root, "task", TaskConfig.class, source);
        section(root, "model", ModelConfig.class, source);
        known((ObjectNode) root.get("train"), "train.", TrainConfig.class, source);
        if (root.get("init") instanceof ObjectNode init) {
            known(init, "init.", Init.class, source);
        }
    }

    /** A polymorphic section, checked against the record its {@code kind} names (an unknown kind is reported when binding). */
    private static void section(ObjectNode root, String name, Class<?> base, String source) {
        ObjectNode node = (ObjectNode) root.get(name);
        String kind = node.path("kind").asText();
        for (JsonSubTypes.Type t : base.getAnnotation(JsonSubTypes.class).value()) {
            if (t.name().equals(kind)) {
                known(node, name + ".", t.value(), source);
            }
        }
    }

    private static void known(ObjectNode node, String prefix, Class<?> record, String source) {
        Set<String> allowed = new TreeSet<>();
        Arrays.stream(record.getRecordComponents())
                .map(RecordComponent::getName)
                .forEach(allowed::add);
        if (!prefix.isEmpty() && !record.equals(TrainConfig.class) && !record.equals(Init.class)) {
            allowed.add("kind");
        }
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String field = it.next();
            if (!allowed.contains(field)) {
                JsonNode value = node.get(field);
                String hint = allowed.stream()
                        .filter(a -> close(a, field))
                        .findFirst()
                        .map(a -> " (did you mean '" + a + "'?)")
                        .orElse("");
                throw new RecipeException(source + ": unknown field '" + prefix + field + "' (value " + value + ")"
                        + hint + "; allowed here: " + String.join(", ", allowed));
            }
        }
    }

    /** Same letters ignoring case, or at most two single-character edits apart. */
    private static boolean close(String a, String b) {
        if (a.equalsIgnoreCase(b)) {
            return true;
        }
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int sub = prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                cur[j] = Math.min(sub, Math.min(prev[j], cur[j - 1]) + 1);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()] <= 2;
    }
}

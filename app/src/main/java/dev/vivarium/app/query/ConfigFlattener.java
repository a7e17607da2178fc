package dev.vivarium.app.query;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A run's {@code config.yaml} as dotted keys and typed values: nested maps become {@code train.lr}, lists keep
 * their index ({@code train.betas.0}); a scalar becomes a {@code Long}, {@code Double}, {@code Boolean} or
 * {@code String}, and YAML's null stays null.
 */
public final class ConfigFlattener {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private ConfigFlattener() {}

    /**
     * Reads and flattens {@code file}.
     *
     * @throws IOException naming the file if it is not readable YAML
     */
    public static Map<String, Object> read(Path file) throws IOException {
        JsonNode root;
        try {
            root = YAML.readTree(file.toFile());
        } catch (IOException e) {
            throw new IOException(file + ": not readable YAML: " + firstLine(e.getMessage()), e);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        flatten("", root, out);
        return out;
    }

    /** Adds the scalars under {@code node} to {@code out}, keys prefixed by {@code prefix}. */
    static void flatten(String prefix, JsonNode node, Map<String, Object> out) {
        if (node == null || node.isMissingNode()) {
            return;
        }
        if (node.isObject()) {
            node.fields().forEachRemaining(e -> flatten(join(prefix, e.getKey()), e.getValue(), out));
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                flatten(join(prefix, Integer.toString(i)), node.get(i), out);
            }
        } else if (!prefix.isEmpty()) {
            out.put(prefix, scalar(node));
        }
    }

    private static Object scalar(JsonNode node) {
        if (node.isNull()) {
            return null;
        }
        if (node.isIntegralNumber() && node.canConvertToLong()) {
            return node.longValue();
        }
        if (node.isNumber()) {
            return node.doubleValue();
        }
        if (node.isBoolean()) {
            return node.booleanValue();
        }
        return node.asText();
    }

    private static String join(String prefix, String key) {
        return prefix.isEmpty() ? key : prefix + "." + key;
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "no detail";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}

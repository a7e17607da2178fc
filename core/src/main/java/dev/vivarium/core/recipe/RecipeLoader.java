package dev.vivarium.core.recipe;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.InvalidTypeIdException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import dev.vivarium.core.task.TaskConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Reads a recipe: YAML, then {@code --set key=value} overrides, then defaults, then the sizes the
 * task dictates (vocabulary, context), then validation by the config records. Every error names
 * the file, the field, the value and what is allowed.
 */
public final class RecipeLoader {
    private static final YAMLMapper YAML = YAMLMapper.builder(
                    new YAMLFactory().disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER))
            .addModule(new Jdk8Module())
            .enable(MapperFeature.ACCEPT_CASE_INSENSITIVE_ENUMS)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
            .disable(YAMLGenerator.Feature.USE_NATIVE_TYPE_ID)
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();

    /** A recipe is a few kilobytes; anything larger is not a recipe (and YAML parsers slow down on it). */
    public static final long MAX_RECIPE_BYTES = 1 << 20;

    private RecipeLoader() {}

    /** Loads and resolves {@code file} with overrides {@code key=value} (dotted keys, YAML values). */
    public static Recipe load(Path file, List<String> overrides) {
        return parse(readText(file), file.toString(), overrides);
    }

    /**
     * A recipe file's text, or a {@link RecipeException} naming the file when it is missing, not a regular file,
     * over {@link #MAX_RECIPE_BYTES} or not UTF-8.
     */
    public static String readText(Path file) {
        String source = file.toString();
        String text;
        try {
            if (!Files.exists(file)) {
                throw new NoSuchFileException(source);
            }
            if (!Files.isRegularFile(file)) {
                throw new RecipeException(source + ": not a regular file ("
                        + (Files.isDirectory(file) ? "a directory" : "a device, pipe or socket")
                        + "); a recipe is a YAML file");
            }
            long size = Files.size(file);
            if (size > MAX_RECIPE_BYTES) {
                throw new RecipeException(
                        source + ": " + size + " bytes; a recipe is a few kB (at most " + MAX_RECIPE_BYTES + " bytes)");
            }
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            throw new RecipeException(source + ": no such recipe file");
        } catch (java.nio.charset.MalformedInputException e) {
            throw new RecipeException(source + ": not UTF-8 text; a recipe is a YAML file", e);
        } catch (IOException e) {
            throw new RecipeException(source + ": cannot read: " + e.getMessage(), e);
        }
        return text;
    }

    /** Resolves recipe text; {@code source} names it in errors. */
    public static Recipe parse(String text, String source, List<String> overrides) {
        if (text.length() > MAX_RECIPE_BYTES) {
            throw new RecipeException(source + ": " + text.length() + " characters; a recipe is a few kB");
        }
        try {
            return resolve(text, source, overrides);
        } catch (RecipeException e) {
            throw Overrides.blame(e, source, overrides);
        }
    }

    private static Recipe resolve(String text, String source, List<String> overrides) {
        JsonNode tree;
        try (JsonParser p = YAML.createParser(text)) {
            tree = YAML.readTree(p);
            if (p.nextToken() != null) {
                throw new RecipeException(source + ": a second YAML document starts at line "
                        + p.currentTokenLocation().getLineNr() + "; a recipe is one document");
            }
        } catch (JsonProcessingException e) {
            throw new RecipeException(source + ": not valid YAML: " + yamlProblem(e) + locationOf(e), e);
        } catch (IOException e) {
            throw new RecipeException(source + ": cannot be read as YAML: " + e.getMessage(), e);
        }
        if (tree == null || !tree.isObject()) {
            throw new RecipeException(source + ": a recipe is a YAML mapping with name, task, model and train");
        }
        ObjectNode root = (ObjectNode) tree;
        for (String o : overrides) {
            Overrides.apply(root, o, source, YAML);
        }
        Defaults.apply(root, source);
        Fields.check(root, source);
        TaskConfig task;
        try {
            task = YAML.treeToValue(root.get("task"), TaskConfig.class);
        } catch (JsonProcessingException e) {
            throw new RecipeException(source + ": task." + explain(e).replaceFirst("^kind:", "kind:"), e);
        } catch (IllegalArgumentException e) {
            throw new RecipeException(source + ": task." + e.getMessage(), e);
        }
        Defaults.derive((ObjectNode) root.get("model"), task, source);
        try {
            return YAML.treeToValue(root, Recipe.class);
        } catch (JsonProcessingException e) {
            throw new RecipeException(source + ": " + explain(e), e);
        } catch (IllegalArgumentException e) {
            throw new RecipeException(source + ": " + e.getMessage(), e);
        }
    }

    /** The resolved recipe as YAML, the form a run records; {@link #parse} reads it back unchanged. */
    public static String toYaml(Recipe recipe) {
        try {
            return YAML.writeValueAsString(recipe);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write recipe " + recipe.name(), e);
        }
    }

    /** The resolved recipe as compact JSON (for checkpoint metadata). */
    public static String toJson(Object config) {
        try {
            return JSON.writeValueAsString(config);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write config", e);
        }
    }

    private static final JsonMapper JSON =
            JsonMapper.builder().addModule(new Jdk8Module()).build();

    private static String explain(JsonProcessingException e) {
        String field = e instanceof JsonMappingException m ? path(m) : "";
        String at = field.isEmpty() ? "" : field + ": ";
        if (e instanceof UnrecognizedPropertyException u) {
            String allowed = u.getKnownPropertyIds().stream()
                    .map(Object::toString)
                    .sorted()
                    .collect(Collectors.joining(", "));
            return "unknown field '" + pathPrefix(u) + u.getPropertyName() + "'; allowed here: " + allowed;
        }
        if (e instanceof InvalidTypeIdException t) {
            String parent = field.isEmpty() ? "" : field + "."; // the path ends at the section whose kind is unknown
            return parent + "kind: '" + t.getTypeId() + "' is not a known kind; allowed: " + kindsFor(t);
        }
        if (e instanceof InvalidFormatException f) {
            return at + "value '" + f.getValue() + "' is not a valid " + typeName(f.getTargetType());
        }
        if (e instanceof ValueInstantiationException v && v.getCause() != null) {
            String message = rootCause(v).getMessage();
            String last = field.substring(field.lastIndexOf('.') + 1);
            if (!last.isEmpty() && message.startsWith(last + ":")) {
                return field.substring(0, field.length() - last.length()) + message; // the message names its field
            }
            String prefix = field.isEmpty() ? "" : field + ".";
            return prefix + message;
        }
        if (e instanceof JsonMappingException m && m.getCause() instanceof IllegalArgumentException iae) {
            return at + iae.getMessage();
        }
        if (e instanceof MismatchedInputException m
                && m.getTargetType() != null
                && e.getOriginalMessage().startsWith("Cannot map `null`")) {
            return at + "missing; a required " + typeName(m.getTargetType());
        }
        if (e instanceof MismatchedInputException m && m.getTargetType() != null) {
            return at + "expected " + typeName(m.getTargetType()) + " ("
                    + e.getOriginalMessage().split("\n")[0] + ")";
        }
        return at + e.getOriginalMessage();
    }

    private static Throwable rootCause(Throwable t) {
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t;
    }

    private static String kindsFor(InvalidTypeIdException t) {
        String base =
                t.getBaseType() == null ? "" : t.getBaseType().getRawClass().getSimpleName();
        return switch (base) {
            case "ModelConfig" -> "transformer, mlp";
            case "TaskConfig" -> "modular, parity, addition, teacher, induction";
            default -> "see the recipe documentation";
        };
    }

    private static String typeName(Class<?> c) {
        if (c == null) {
            return "value";
        }
        if (c == int.class || c == Integer.class || c == long.class || c == Long.class) {
            return "integer";
        }
        if (c == double.class || c == Double.class || c == float.class) {
            return "number";
        }
        if (c == boolean.class || c == Boolean.class) {
            return "boolean (true or false)";
        }
        if (c.isEnum()) {
            Object[] constants = c.getEnumConstants();
            return "value; allowed: "
                    + java.util.Arrays.stream(constants)
                            .map(o -> o.toString().toLowerCase(java.util.Locale.ROOT))
                            .collect(Collectors.joining(", "));
        }
        return c.getSimpleName();
    }

    private static String path(JsonMappingException m) {
        return m.getPath().stream()
                .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
                .collect(Collectors.joining("."))
                .replace(".[", "[");
    }

    private static String pathPrefix(JsonMappingException m) {
        List<JsonMappingException.Reference> refs = m.getPath();
        if (refs.size() <= 1) {
            return "";
        }
        return refs.subList(0, refs.size() - 1).stream()
                        .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
                        .collect(Collectors.joining("."))
                + ".";
    }

    /**
     * The YAML parser's message in one line: SnakeYAML spreads it over several, with the offending source line
     * and a caret (indented by four spaces); the location is given separately.
     */
    private static String yamlProblem(JsonProcessingException e) {
        return e.getOriginalMessage()
                .lines()
                .filter(l -> !l.startsWith("    "))
                .map(l -> l.replaceAll("^\\s*in 'reader', line \\d+, column \\d+:?", "")
                        .strip())
                .filter(l -> !l.isEmpty())
                .collect(Collectors.joining("; "));
    }

    private static String locationOf(JsonProcessingException e) {
        return e.getLocation() == null
                ? ""
                : " (line " + e.getLocation().getLineNr() + ", column "
                        + e.getLocation().getColumnNr() + ")";
    }

    /** For tests: the parsed tree of a YAML text. */
    static Map<String, Object> asMap(String yaml) throws IOException {
        @SuppressWarnings("unchecked")
        Map<String, Object> m = YAML.readValue(yaml, Map.class);
        return m;
    }
}

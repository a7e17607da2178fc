package dev.vivarium.store.run;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.Optional;

/**
 * {@code status.json}: a {@link RunStatus} as a small pretty-printed JSON object, times in ISO-8601 UTC.
 * Unknown fields are ignored so older readers survive newer writers.
 */
final class StatusJson {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private StatusJson() {}

    static String format(RunStatus s) {
        ObjectNode o = MAPPER.createObjectNode();
        o.put("state", s.state().name());
        o.put("recipe", s.recipe());
        o.put("pid", s.pid());
        o.put("host", s.host());
        o.put("startedAt", s.startedAt().toString());
        o.put("heartbeatAt", s.heartbeatAt().toString());
        o.put("step", s.step());
        o.put("totalSteps", s.totalSteps());
        s.message().ifPresent(m -> o.put("message", m));
        try {
            return MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(o) + "\n";
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e); // a tree of strings and numbers always serializes
        }
    }

    private static final long MAX_BYTES = 1 << 16;

    /** Reads {@code file}; a missing or corrupt file is an IOException naming it and the problem. */
    static RunStatus read(Path file) throws IOException {
        String text;
        try {
            if (Files.isDirectory(file)) {
                throw corrupt(file, "is a directory");
            }
            if (Files.size(file) > MAX_BYTES) {
                throw corrupt(file, Files.size(file) + " bytes; a status file is well under " + MAX_BYTES);
            }
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            throw new NoSuchFileException(file.toString(), null, "run has no status file");
        } catch (java.nio.charset.CharacterCodingException e) {
            throw corrupt(file, "not UTF-8 text");
        }
        JsonNode root;
        try {
            root = MAPPER.readTree(text);
        } catch (JsonProcessingException e) {
            throw corrupt(
                    file,
                    "not valid JSON: "
                            + e.getOriginalMessage().lines().findFirst().orElse(""));
        }
        if (root == null || !root.isObject()) {
            throw corrupt(file, "expected a JSON object");
        }
        try {
            return new RunStatus(
                    state(file, root),
                    text(file, root, "recipe"),
                    integer(file, root, "pid"),
                    text(file, root, "host"),
                    instant(file, root, "startedAt"),
                    instant(file, root, "heartbeatAt"),
                    integer(file, root, "step"),
                    integer(file, root, "totalSteps"),
                    root.hasNonNull("message") ? Optional.of(text(file, root, "message")) : Optional.empty());
        } catch (IllegalArgumentException e) {
            throw corrupt(file, e.getMessage());
        }
    }

    private static RunState state(Path file, JsonNode root) throws IOException {
        String s = text(file, root, "state");
        try {
            return RunState.valueOf(s);
        } catch (IllegalArgumentException e) {
            throw corrupt(file, "state \"" + s + "\" is not one of " + Arrays.toString(RunState.values()));
        }
    }

    private static String text(Path file, JsonNode root, String field) throws IOException {
        JsonNode v = require(file, root, field);
        if (!v.isTextual()) {
            throw corrupt(file, field + " must be a string, found " + v);
        }
        return v.textValue();
    }

    private static long integer(Path file, JsonNode root, String field) throws IOException {
        JsonNode v = require(file, root, field);
        if (!v.isIntegralNumber() || !v.canConvertToLong()) {
            throw corrupt(file, field + " must be an integer, found " + v);
        }
        return v.longValue();
    }

    private static Instant instant(Path file, JsonNode root, String field) throws IOException {
        String s = text(file, root, field);
        try {
            return Instant.parse(s);
        } catch (DateTimeParseException e) {
            throw corrupt(file, field + " must be an ISO-8601 instant like 2025-01-31T12:00:00Z, found \"" + s + "\"");
        }
    }

    private static JsonNode require(Path file, JsonNode root, String field) throws IOException {
        JsonNode v = root.get(field);
        if (v == null || v.isNull()) {
            throw corrupt(file, "field \"" + field + "\" is missing");
        }
        return v;
    }

    private static IOException corrupt(Path file, String problem) {
        return new IOException(file + ": corrupt run status: " + problem);
    }
}

package dev.vivarium.laws.predict;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The canonical JSON of a prediction (keys sorted, no whitespace) and its SHA-256. A prediction's file is
 * {@code {"id": <hash>, "prediction": <canonical content>}}; reading it back re-derives the hash from the
 * parsed content, so re-indenting a file is harmless but changing any value is seen.
 */
final class PredictionJson {
    static final ObjectMapper MAPPER =
            new ObjectMapper().configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);

    private PredictionJson() {}

    /** The canonical content of a prediction: every field but the id. */
    static Map<String, Object> content(
            String author,
            List<String> tags,
            Instant createdAt,
            Target target,
            Forecast forecast,
            String note,
            Optional<String> amends) {
        Map<String, Object> m = new TreeMap<>();
        m.put("author", author);
        m.put("tags", tags);
        m.put("createdAt", createdAt.toString());
        Map<String, Object> t = new TreeMap<>();
        t.put("recipe", target.recipe());
        t.put("config", new TreeMap<>(target.config()));
        t.put("quantity", target.quantity());
        t.put("reduction", target.reduction().name());
        m.put("target", t);
        m.put("forecast", forecast(forecast));
        m.put("note", note);
        m.put("amends", amends.orElse(null));
        return m;
    }

    private static Map<String, Object> forecast(Forecast f) {
        Map<String, Object> m = new TreeMap<>();
        if (f instanceof Forecast.Event e) {
            m.put("kind", "event");
            m.put("comparison", e.comparison().name());
            m.put("threshold", e.threshold());
            m.put("probability", e.probability());
        } else if (f instanceof Forecast.Range r) {
            m.put("kind", "interval");
            m.put("lo", r.lo());
            m.put("hi", r.hi());
            m.put("confidence", r.confidence());
        } else if (f instanceof Forecast.Quantiles q) {
            m.put("kind", "quantiles");
            m.put("levels", q.levels());
            m.put("values", q.values());
        }
        return m;
    }

    static String canonical(Map<String, Object> content) {
        try {
            return MAPPER.writeValueAsString(content);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise a prediction", e);
        }
    }

    static String sha256(String text) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    /** The file text for a prediction. */
    static String file(Prediction p) {
        Map<String, Object> file = new LinkedHashMap<>();
        file.put("id", p.id());
        file.put(
                "prediction",
                content(p.author(), p.tags(), p.createdAt(), p.target(), p.forecast(), p.note(), p.amends()));
        try {
            return MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(file) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise prediction " + p.id(), e);
        }
    }

    /** Parses a prediction's content; the id is the hash of the re-derived canonical content. */
    static Prediction parse(JsonNode c) {
        JsonNode t = c.path("target");
        Map<String, String> config = new TreeMap<>();
        t.path("config")
                .fields()
                .forEachRemaining(e -> config.put(e.getKey(), e.getValue().asText()));
        Target target = new Target(
                text(t, "recipe"), config, text(t, "quantity"), Target.Reduction.valueOf(text(t, "reduction")));
        JsonNode f = c.path("forecast");
        Forecast forecast =
                switch (text(f, "kind")) {
                    case "event" -> new Forecast.Event(
                            Forecast.Comparison.valueOf(text(f, "comparison")),
                            number(f, "threshold"),
                            number(f, "probability"));
                    case "interval" -> new Forecast.Range(number(f, "lo"), number(f, "hi"), number(f, "confidence"));
                    case "quantiles" -> new Forecast.Quantiles(numbers(f, "levels"), numbers(f, "values"));
                    default -> throw new IllegalArgumentException(
                            "forecast kind '" + text(f, "kind") + "': must be event, interval or quantiles");
                };
        List<String> tags = new ArrayList<>();
        c.path("tags").forEach(n -> tags.add(n.asText()));
        Instant createdAt = Instant.parse(text(c, "createdAt"));
        Optional<String> amends =
                c.path("amends").isTextual() ? Optional.of(c.get("amends").asText()) : Optional.empty();
        String author = text(c, "author");
        String note = c.path("note").asText("");
        String id = sha256(canonical(content(author, tags, createdAt, target, forecast, note, amends)));
        return new Prediction(id, author, tags, createdAt, target, forecast, note, amends);
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        if (v == null || !v.isTextual()) {
            throw new IllegalArgumentException("field '" + field + "' is missing or not text");
        }
        return v.asText();
    }

    private static double number(JsonNode n, String field) {
        JsonNode v = n.get(field);
        if (v == null || !v.isNumber()) {
            throw new IllegalArgumentException("field '" + field + "' is missing or not a number");
        }
        return v.asDouble();
    }

    private static double[] numbers(JsonNode n, String field) {
        JsonNode v = n.get(field);
        if (v == null || !v.isArray()) {
            throw new IllegalArgumentException("field '" + field + "' is missing or not an array");
        }
        double[] out = new double[v.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = v.get(i).asDouble();
        }
        return out;
    }
}

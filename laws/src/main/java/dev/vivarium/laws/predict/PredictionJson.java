package dev.vivarium.laws.predict;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A prediction as the body of a ledger entry, and back. The ledger hashes the entry's bytes as written, so
 * this mapping needs no canonical form: keys are sorted only to make entries easy to read and compare.
 */
final class PredictionJson {
    private PredictionJson() {}

    /**
     * What a prediction says, as a ledger entry's body: author, tags, target, forecast and note. Its id and
     * registration time are the entry's hash and place in the ledger, and an amendment names what it amends.
     */
    static Map<String, Object> content(Prediction.Draft d, Optional<String> amends) {
        Map<String, Object> m = new TreeMap<>();
        m.put("author", d.author());
        m.put("tags", d.tags());
        Target target = d.target();
        Forecast forecast = d.forecast();
        String note = d.note();
        Map<String, Object> t = new TreeMap<>();
        t.put("recipe", target.recipe());
        t.put("config", new TreeMap<>(target.config()));
        t.put("quantity", target.quantity());
        t.put("reduction", target.reduction().name());
        m.put("target", t);
        m.put("forecast", forecast(forecast));
        m.put("note", note);
        amends.ifPresent(a -> m.put("amends", a));
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

    /** Parses a ledger entry's body into the prediction it registers, with the entry's hash and time. */
    static Prediction parse(JsonNode c, String id, Instant createdAt) {
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
        Optional<String> amends =
                c.path("amends").isTextual() ? Optional.of(c.get("amends").asText()) : Optional.empty();
        String author = text(c, "author");
        String note = c.path("note").asText("");
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

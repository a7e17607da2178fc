package dev.vivarium.store.run;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One row of a metric log as one line of JSON: {@code {"step":100,"loss":0.25,"acc":"NaN"}}.
 *
 * <p>Integers are written as integers; every other number as the shortest decimal {@link
 * Double#toString} gives, which parses back to the identical double. JSON has no NaN or infinities, so
 * those are written as the strings {@code "NaN"}, {@code "Infinity"} and {@code "-Infinity"}.
 */
final class MetricLine {

    private static final JsonFactory JSON = new JsonFactory();

    /** The key column: every row has one, an integer, strictly increasing down the log. */
    static final String STEP = "step";

    private MetricLine() {}

    private static long step(Number v) {
        double d = v.doubleValue();
        if (!(d >= 0) || d != Math.rint(d) || d > 0x1p53) {
            throw new IllegalArgumentException("metric row's step must be a whole number >= 0, got " + v);
        }
        return v instanceof Long || v instanceof Integer ? v.longValue() : (long) d;
    }

    /**
     * The row as one line of JSON, without the newline; keys in the map's order. Rows whose keys are plain
     * printable ASCII (every key training logs) are written directly, the same bytes Jackson writes for them;
     * any other row goes through Jackson, which escapes what it must.
     */
    static String format(Map<String, ? extends Number> row) {
        StringBuilder b = new StringBuilder(24 * row.size() + 2);
        return appendPlain(row, b, null) ? b.toString() : formatWithJackson(row);
    }

    /**
     * Appends the row as {@link #format} writes it to {@code b} if every key is plain printable ASCII, and
     * returns whether it did (if not, {@code b} holds part of the row: the caller resets it and uses {@link
     * #formatWithJackson}). {@code keys}, if not null, keeps each key's {@code "key":} text between calls (a
     * log appends the same keys row after row). A double goes through {@link StringBuilder#append(double)},
     * the digits of {@link Double#toString} without a String made for them.
     *
     * @throws NullPointerException if a key or value is null
     */
    static boolean appendPlain(Map<String, ? extends Number> row, StringBuilder b, Map<String, String> keys) {
        b.append('{');
        boolean first = true;
        for (Map.Entry<String, ? extends Number> e : row.entrySet()) {
            String key = Objects.requireNonNull(e.getKey(), "metric name");
            Number v = Objects.requireNonNull(e.getValue(), () -> "value of metric " + key);
            String quoted = keys == null ? null : keys.get(key);
            if (quoted == null) {
                if (!plain(key)) {
                    return false;
                }
                quoted = "\"" + key + "\":";
                if (keys != null && keys.size() < 4096) {
                    keys.put(key, quoted);
                }
            }
            if (!first) {
                b.append(',');
            }
            first = false;
            b.append(quoted);
            if (key.equals(STEP)) {
                b.append(step(v));
            } else if (v instanceof Double) {
                double d = (Double) v;
                if (Double.isFinite(d)) {
                    b.append(d);
                } else {
                    b.append(Double.isNaN(d) ? "\"NaN\"" : d > 0 ? "\"Infinity\"" : "\"-Infinity\"");
                }
            } else if (v instanceof Long || v instanceof Integer || v instanceof Short || v instanceof Byte) {
                b.append(v.longValue());
            } else {
                double d = v.doubleValue();
                if (Double.isFinite(d)) {
                    b.append(d);
                } else {
                    b.append(Double.isNaN(d) ? "\"NaN\"" : d > 0 ? "\"Infinity\"" : "\"-Infinity\"");
                }
            }
        }
        b.append('}');
        return true;
    }

    /** Whether Jackson writes {@code key} as it is: printable ASCII without a quote or a backslash. */
    private static boolean plain(String key) {
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            if (c < 0x20 || c > 0x7e || c == '"' || c == '\\') {
                return false;
            }
        }
        return true;
    }

    /** {@link #format} through Jackson's generator, for keys that need escaping. */
    static String formatWithJackson(Map<String, ? extends Number> row) {
        StringWriter out = new StringWriter();
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            for (Map.Entry<String, ? extends Number> e : row.entrySet()) {
                String key = Objects.requireNonNull(e.getKey(), "metric name");
                Number v = Objects.requireNonNull(e.getValue(), () -> "value of metric " + key);
                g.writeFieldName(key);
                if (key.equals(STEP)) {
                    g.writeNumber(step(v)); // the log's key column: always an integer
                } else if (v instanceof Long || v instanceof Integer || v instanceof Short || v instanceof Byte) {
                    g.writeNumber(v.longValue());
                } else {
                    double d = v.doubleValue();
                    if (Double.isFinite(d)) {
                        g.writeNumber(Double.toString(d));
                    } else {
                        g.writeString(Double.isNaN(d) ? "NaN" : d > 0 ? "Infinity" : "-Infinity");
                    }
                }
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a StringWriter does not fail
        }
        return out.toString();
    }

    /**
     * Parses one line.
     *
     * @param where names the line in error messages, e.g. {@code "runs/a/metrics.jsonl line 12"}
     * @throws IOException naming {@code where} if the line is not a flat JSON object of numbers
     */
    static Map<String, Double> parse(String line, String where) throws IOException {
        Map<String, Double> row = new LinkedHashMap<>();
        try (JsonParser p = JSON.createParser(line)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw corrupt(where, "expected a JSON object");
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String key = p.currentName();
                JsonToken t = p.nextToken();
                row.put(key, value(p, t, key, where));
            }
            if (p.currentToken() != JsonToken.END_OBJECT || p.nextToken() != null) {
                throw corrupt(where, "unexpected content after the JSON object");
            }
        } catch (JsonProcessingException e) {
            throw corrupt(where, "not valid JSON: " + e.getOriginalMessage());
        }
        return Collections.unmodifiableMap(row);
    }

    private static double value(JsonParser p, JsonToken t, String key, String where) throws IOException {
        if (t == JsonToken.VALUE_NUMBER_INT || t == JsonToken.VALUE_NUMBER_FLOAT) {
            return p.getDoubleValue();
        }
        if (t == JsonToken.VALUE_STRING) {
            switch (p.getText()) {
                case "NaN":
                    return Double.NaN;
                case "Infinity":
                    return Double.POSITIVE_INFINITY;
                case "-Infinity":
                    return Double.NEGATIVE_INFINITY;
                default:
                    break;
            }
        }
        throw corrupt(
                where,
                "value of \"" + key + "\" must be a number, \"NaN\", \"Infinity\" or \"-Infinity\", found "
                        + (t == JsonToken.VALUE_STRING ? "\"" + p.getText() + "\"" : String.valueOf(t.asString())));
    }

    private static IOException corrupt(String where, String problem) {
        return new IOException(where + ": corrupt metric row: " + problem);
    }
}

package dev.vivarium.app.query;

import java.io.PrintWriter;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * How {@code vivarium query} prints a result: an aligned text table (numbers to 6 significant digits, right
 * aligned; NULL as {@code NULL}), CSV (RFC 4180 quoting; full precision; NULL as an empty field) or JSON (an
 * array of objects; full precision; NaN and infinities as the strings the metric log uses).
 */
public enum ResultFormat {
    /** Aligned columns under a header, for reading. */
    TABLE,
    /** Comma-separated values with a header line. */
    CSV,
    /** An array of objects, one per row. */
    JSON;

    /** Prints {@code r} to {@code out} in this format. */
    public void print(QueryResult r, PrintWriter out) {
        switch (this) {
            case TABLE:
                table(r, out);
                break;
            case CSV:
                csv(r, out);
                break;
            default:
                json(r, out);
                break;
        }
        out.flush();
    }

    private static void table(QueryResult r, PrintWriter out) {
        int n = r.columns().size();
        List<String[]> cells = new ArrayList<>();
        int[] width = new int[n];
        boolean[] right = new boolean[n];
        for (int i = 0; i < n; i++) {
            width[i] = r.columns().get(i).length();
            right[i] = r.numeric().get(i);
        }
        for (Object[] row : r.rows()) {
            String[] c = new String[n];
            for (int i = 0; i < n; i++) {
                c[i] = row[i] == null ? "NULL" : oneLine(brief(row[i]));
                width[i] = Math.max(width[i], c[i].length());
                if (row[i] != null && !(row[i] instanceof Number)) {
                    right[i] = false;
                }
            }
            cells.add(c);
        }
        out.println(line(r.columns().toArray(new String[0]), width, right));
        StringBuilder rule = new StringBuilder();
        for (int i = 0; i < n; i++) {
            rule.append(i == 0 ? "" : "  ").append("-".repeat(width[i]));
        }
        out.println(rule);
        for (String[] c : cells) {
            out.println(line(c, width, right));
        }
        out.println("(" + r.rows().size() + (r.rows().size() == 1 ? " row)" : " rows)"));
    }

    private static String line(String[] cells, int[] width, boolean[] right) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < cells.length; i++) {
            if (i > 0) {
                b.append("  ");
            }
            String pad = " ".repeat(width[i] - cells[i].length());
            boolean last = i == cells.length - 1;
            b.append(right[i] ? pad + cells[i] : last ? cells[i] : cells[i] + pad);
        }
        return b.toString();
    }

    private static void csv(QueryResult r, PrintWriter out) {
        List<String> header = new ArrayList<>();
        for (String c : r.columns()) {
            header.add(csvField(c));
        }
        out.println(String.join(",", header));
        for (Object[] row : r.rows()) {
            StringBuilder b = new StringBuilder();
            for (int i = 0; i < row.length; i++) {
                if (i > 0) {
                    b.append(',');
                }
                b.append(row[i] == null ? "" : csvField(exact(row[i])));
            }
            out.println(b);
        }
    }

    /** A CSV field, quoted when it holds a comma, quote, or line break. */
    public static String csvField(String s) {
        if (s.indexOf(',') < 0 && s.indexOf('"') < 0 && s.indexOf('\n') < 0 && s.indexOf('\r') < 0) {
            return s;
        }
        return '"' + s.replace("\"", "\"\"") + '"';
    }

    private static void json(QueryResult r, PrintWriter out) {
        out.print('[');
        for (int j = 0; j < r.rows().size(); j++) {
            Object[] row = r.rows().get(j);
            out.print(j == 0 ? "\n  {" : ",\n  {");
            for (int i = 0; i < row.length; i++) {
                if (i > 0) {
                    out.print(", ");
                }
                out.print(jsonString(r.columns().get(i)));
                out.print(": ");
                out.print(jsonValue(row[i]));
            }
            out.print('}');
        }
        out.println(r.rows().isEmpty() ? "]" : "\n]");
    }

    private static String jsonValue(Object v) {
        if (v == null) {
            return "null";
        }
        if (v instanceof Boolean) {
            return v.toString();
        }
        if (v instanceof Double || v instanceof Float) {
            double d = ((Number) v).doubleValue();
            return Double.isFinite(d) ? exact(v) : jsonString(exact(v));
        }
        if (v instanceof Long || v instanceof Integer || v instanceof Short || v instanceof Byte) {
            return v.toString();
        }
        if (v instanceof BigInteger || v instanceof BigDecimal) {
            return v.toString();
        }
        return jsonString(exact(v));
    }

    /** A JSON string literal. */
    public static String jsonString(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"':
                    b.append("\\\"");
                    break;
                case '\\':
                    b.append("\\\\");
                    break;
                case '\n':
                    b.append("\\n");
                    break;
                case '\r':
                    b.append("\\r");
                    break;
                case '\t':
                    b.append("\\t");
                    break;
                default:
                    if (c < 0x20) {
                        b.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
            }
        }
        return b.append('"').toString();
    }

    /** Full precision: a double as the shortest decimal that reads back to it; NaN as {@code NaN}. */
    static String exact(Object v) {
        if (v instanceof Double || v instanceof Float) {
            double d = ((Number) v).doubleValue();
            if (Double.isNaN(d)) {
                return "NaN";
            }
            if (Double.isInfinite(d)) {
                return d > 0 ? "Infinity" : "-Infinity";
            }
            return v instanceof Float ? Float.toString((Float) v) : Double.toString(d);
        }
        return String.valueOf(v);
    }

    /** For the table: doubles to 6 significant digits, without trailing zeros. */
    private static String brief(Object v) {
        if (v instanceof Double || v instanceof Float) {
            double d = ((Number) v).doubleValue();
            if (!Double.isFinite(d)) {
                return exact(v);
            }
            if (d == Math.rint(d) && Math.abs(d) < 1e15) {
                return Long.toString((long) d);
            }
            String s = String.format(Locale.ROOT, "%.6g", d);
            if (s.contains("e")) {
                int e = s.indexOf('e');
                return stripZeros(s.substring(0, e)) + s.substring(e);
            }
            return stripZeros(s);
        }
        return String.valueOf(v);
    }

    /** Trailing zeros after a decimal point dropped, and then the point if nothing follows it. */
    static String stripZeros(String s) {
        if (s.indexOf('.') < 0) {
            return s;
        }
        int end = s.length();
        while (end > 0 && s.charAt(end - 1) == '0') {
            end--;
        }
        if (end > 0 && s.charAt(end - 1) == '.') {
            end--;
        }
        return s.substring(0, end);
    }

    private static String oneLine(String s) {
        return s.replace("\r", "\\r").replace("\n", "\\n");
    }
}

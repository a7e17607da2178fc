package dev.vivarium.app.query;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A fast reader for the common case of a metric log: every line a flat JSON object of ASCII keys without
 * escapes and JSON numbers (or the strings {@code "NaN"}, {@code "Infinity"}, {@code "-Infinity"}), each with
 * a whole {@code step} written as an integer, greater than the line before's, and the file ending in a
 * newline. Such a file gives its values ({@link MetricValues}) as {@link Double#parseDouble} reads them,
 * which are the doubles store's {@code MetricLog.readValid} gives for it. Anything else, damage or merely unusual, gives
 * empty, and the caller reads the file with store's reader, which says what is wrong and where.
 *
 * <p>Why a second reader: a query over 1,000 runs of 100 logged steps reads 100,000 lines. This one checks
 * the bytes once, without a map per row, and leaves each number's text to be parsed when its value is asked
 * for (a query of last values needs one per metric).
 */
public final class CleanMetricLog {
    private CleanMetricLog() {}

    /**
     * The rows of {@code file} if it is clean as the class comment says; empty if not (or if it is missing:
     * store's reader decides what a missing log means).
     */
    public static Optional<MetricValues> read(Path file) {
        byte[] b;
        try {
            if (!Files.isRegularFile(file)) {
                return Optional.empty();
            }
            b = Files.readAllBytes(file);
        } catch (IOException | OutOfMemoryError e) {
            return Optional.empty();
        }
        if (b.length > 0 && b[b.length - 1] != '\n') {
            return Optional.empty(); // a torn last line: store's reader decides what it means
        }
        return new CleanMetricLog.Parser(b).values();
    }

    private static final class Parser {
        private final byte[] b;
        private int i;
        private final List<String> names = new ArrayList<>();
        private final Map<String, Integer> ids = new HashMap<>();
        private String[] keys = new String[32]; // the previous line's keys, by position
        private int[] seenInLine = new int[32]; // by metric id: the last line it appeared in
        private int line;
        private long[] step;
        private int[] metric;
        private double[] value;
        private int[] start;
        private int[] end;
        private int n;

        Parser(byte[] b) {
            this.b = b;
            int guess = Math.max(16, b.length / 24); // about 30 bytes a value
            step = new long[guess];
            metric = new int[guess];
            value = new double[guess];
            start = new int[guess];
            end = new int[guess];
        }

        Optional<MetricValues> values() {
            long previous = -1;
            while (i < b.length) {
                line++;
                int first = n;
                long s = line();
                if (s < 0 || s <= previous) {
                    return Optional.empty();
                }
                previous = s;
                for (int e = first; e < n; e++) {
                    step[e] = s;
                }
            }
            return Optional.of(new MetricValues(names, step, metric, value, b, start, end, n));
        }

        /** One line, through its newline: its step, or -1 if it is not clean. */
        private long line() {
            if (b[i] != '{') {
                return -1;
            }
            i++;
            if (b[i] == '}') {
                return -1; // an empty row has no step
            }
            long rowStep = -1;
            int position = 0;
            while (true) {
                String key = key(position++);
                if (key == null || b[i] != ':') {
                    return -1;
                }
                i++;
                int from = i;
                double special = Double.NaN;
                boolean quoted = b[i] == '"';
                if (quoted) {
                    special = special();
                    if (special == 0) {
                        return -1;
                    }
                } else if (!number()) {
                    return -1;
                }
                if (key.equals("step")) {
                    if (quoted || rowStep >= 0) {
                        return -1;
                    }
                    rowStep = integer(from, i);
                    if (rowStep < 0) {
                        return -1;
                    }
                } else {
                    int id = id(key);
                    if (seenInLine[id] == line) {
                        return -1; // a repeated key: let store's reader say what it makes of it
                    }
                    seenInLine[id] = line;
                    add(id, quoted ? special : Double.NaN, quoted ? -1 : from, i);
                }
                if (b[i] == ',') {
                    i++;
                } else if (b[i] == '}') {
                    i++;
                    break;
                } else {
                    return -1;
                }
            }
            if (i >= b.length || b[i] != '\n') {
                return -1;
            }
            i++;
            return rowStep;
        }

        private int id(String key) {
            Integer id = ids.get(key);
            if (id == null) {
                id = names.size();
                names.add(key);
                ids.put(key, id);
                if (id >= seenInLine.length) {
                    seenInLine = Arrays.copyOf(seenInLine, seenInLine.length * 2);
                }
            }
            return id;
        }

        private void add(int id, double v, int from, int to) {
            if (n == metric.length) {
                int more = n * 2;
                step = Arrays.copyOf(step, more);
                metric = Arrays.copyOf(metric, more);
                value = Arrays.copyOf(value, more);
                start = Arrays.copyOf(start, more);
                end = Arrays.copyOf(end, more);
            }
            metric[n] = id;
            value[n] = v;
            start[n] = from;
            end[n] = to;
            n++;
        }

        /** The digits in {@code [from, to)} as a step, or -1 if they are not a plain integer below 2^53. */
        private long integer(int from, int to) {
            if (to - from > 15) {
                return -1;
            }
            long v = 0;
            for (int j = from; j < to; j++) {
                if (b[j] < '0' || b[j] > '9') {
                    return -1;
                }
                v = v * 10 + (b[j] - '0');
            }
            return v;
        }

        /** A quoted key of printable ASCII without escapes, the same String as the last line's at this position. */
        private String key(int position) {
            if (b[i] != '"') {
                return null;
            }
            int from = ++i;
            while (i < b.length && b[i] != '"') {
                if (b[i] < 0x20 || b[i] == '\\') {
                    return null; // a control character, an escape or a non-ASCII byte (negative)
                }
                i++;
            }
            if (i >= b.length) {
                return null;
            }
            int len = i - from;
            i++;
            if (position >= keys.length) {
                keys = Arrays.copyOf(keys, keys.length * 2);
            }
            String known = keys[position];
            if (known != null && same(known, from, len)) {
                return known;
            }
            String k = new String(b, from, len, StandardCharsets.ISO_8859_1);
            keys[position] = k;
            return k;
        }

        private boolean same(String s, int from, int len) {
            if (s.length() != len) {
                return false;
            }
            for (int j = 0; j < len; j++) {
                if (s.charAt(j) != b[from + j]) {
                    return false;
                }
            }
            return true;
        }

        /** {@code "NaN"}, {@code "Infinity"} or {@code "-Infinity"}; 0 (never one of them) if another string. */
        private double special() {
            int from = ++i;
            while (i < b.length && b[i] != '"' && i - from < 10) {
                i++;
            }
            if (i >= b.length || b[i] != '"') {
                return 0;
            }
            String s = new String(b, from, i - from, StandardCharsets.ISO_8859_1);
            i++;
            switch (s) {
                case "NaN":
                    return Double.NaN;
                case "Infinity":
                    return Double.POSITIVE_INFINITY;
                case "-Infinity":
                    return Double.NEGATIVE_INFINITY;
                default:
                    return 0;
            }
        }

        /** Moves past a JSON number: {@code -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?}. */
        private boolean number() {
            int from = i;
            if (at('-')) {
                i++;
            }
            if (at('0')) {
                i++;
            } else if (digit()) {
                while (digit()) {
                    i++;
                }
            } else {
                return false;
            }
            if (at('.')) {
                i++;
                if (!digit()) {
                    return false;
                }
                while (digit()) {
                    i++;
                }
            }
            if (at('e') || at('E')) {
                i++;
                if (at('+') || at('-')) {
                    i++;
                }
                if (!digit()) {
                    return false;
                }
                while (digit()) {
                    i++;
                }
            }
            return i > from && i < b.length;
        }

        private boolean at(char c) {
            return i < b.length && b[i] == c;
        }

        private boolean digit() {
            return i < b.length && b[i] >= '0' && b[i] <= '9';
        }
    }
}

package dev.vivarium.app.query;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One run's logged values in column form: for each value its row's step, its metric (an index into {@link
 * #names()}) and the value. Values read by {@link CleanMetricLog} are parsed from the file's bytes only when
 * asked for, so that a query of last values parses one value per metric instead of every one.
 */
public final class MetricValues {
    private final List<String> names;
    private final long[] step;
    private final int[] metric;
    private final double[] value; // parsed values, or NaN placeholders where `start` says to parse
    private final byte[] source; // null when every value is in `value`
    private final int[] start;
    private final int[] end;
    private final int size;

    MetricValues(
            List<String> names,
            long[] step,
            int[] metric,
            double[] value,
            byte[] source,
            int[] start,
            int[] end,
            int size) {
        this.names = List.copyOf(names);
        this.step = step;
        this.metric = metric;
        this.value = value;
        this.source = source;
        this.start = start;
        this.end = end;
        this.size = size;
    }

    /** The values of rows as store's reader gives them (each row has a {@code step}). */
    public static MetricValues of(List<Map<String, Double>> rows) {
        Map<String, Integer> ids = new LinkedHashMap<>();
        int n = 0;
        for (Map<String, Double> r : rows) {
            n += r.size() - 1;
        }
        long[] step = new long[n];
        int[] metric = new int[n];
        double[] value = new double[n];
        int e = 0;
        for (Map<String, Double> r : rows) {
            long s = r.get("step").longValue();
            for (Map.Entry<String, Double> kv : r.entrySet()) {
                if (!kv.getKey().equals("step")) {
                    step[e] = s;
                    metric[e] = ids.computeIfAbsent(kv.getKey(), k -> ids.size());
                    value[e] = kv.getValue();
                    e++;
                }
            }
        }
        return new MetricValues(new ArrayList<>(ids.keySet()), step, metric, value, null, null, null, n);
    }

    /** Only each metric's last value ({@code steps[m]}, {@code values[m]} for metric {@code names[m]}). */
    public static MetricValues ofLast(List<String> names, long[] steps, double[] values) {
        int n = names.size();
        int[] metric = new int[n];
        for (int i = 0; i < n; i++) {
            metric[i] = i;
        }
        return new MetricValues(names, steps.clone(), metric, values.clone(), null, null, null, n);
    }

    /** The metric names, in order of first appearance. */
    public List<String> names() {
        return names;
    }

    /** The number of logged values (rows times their metrics). */
    public int size() {
        return size;
    }

    /** The step of value {@code i}. */
    public long step(int i) {
        return step[i];
    }

    /** The metric of value {@code i}, an index into {@link #names()}. */
    public int metric(int i) {
        return metric[i];
    }

    /** Value {@code i}. */
    public double value(int i) {
        if (source == null || start[i] < 0) {
            return value[i];
        }
        return Double.parseDouble(new String(source, start[i], end[i] - start[i], StandardCharsets.ISO_8859_1));
    }

    /** For each metric (by index), the position of its last value; -1 for none. */
    public int[] lastOfEach() {
        int[] last = new int[names.size()];
        java.util.Arrays.fill(last, -1);
        int missing = names.size();
        for (int i = size - 1; i >= 0 && missing > 0; i--) {
            if (last[metric[i]] < 0) {
                last[metric[i]] = i;
                missing--;
            }
        }
        return last;
    }
}

package dev.vivarium.laws.runs;

import dev.vivarium.laws.detect.Series;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * One run, reduced to what laws need.
 *
 * @param id the run's id
 * @param recipe the recipe it ran
 * @param config its resolved config, flattened to dotted keys ({@code model.d_model -> "128"})
 * @param finished whether it ended successfully
 * @param startedAt when it started (its status file's {@code startedAt})
 * @param metrics its metric log: one map per logged step (keys such as {@code step}, {@code test_acc})
 */
public record RunRecord(
        String id,
        String recipe,
        Map<String, String> config,
        boolean finished,
        Instant startedAt,
        List<Map<String, Double>> metrics) {

    public RunRecord {
        config = Map.copyOf(config);
        metrics = List.copyOf(metrics);
    }

    /** Every metric name the log has, for error messages. */
    public TreeSet<String> metricNames() {
        TreeSet<String> names = new TreeSet<>();
        metrics.forEach(m -> names.addAll(m.keySet()));
        return names;
    }

    /**
     * The metric against {@code step}, from the rows that log it; an absent metric is a clear error. A run
     * resumed from a checkpoint logs some steps again: a row at or before an earlier row's step replaces the
     * rows from that step on, so the later log wins.
     */
    public Series series(String metric) {
        List<double[]> points = new ArrayList<>();
        for (Map<String, Double> row : metrics) {
            Double v = row.get(metric);
            Double step = row.get("step");
            if (v != null && step != null) {
                while (!points.isEmpty() && points.get(points.size() - 1)[0] >= step) {
                    points.remove(points.size() - 1);
                }
                points.add(new double[] {step, v});
            }
        }
        if (points.isEmpty()) {
            throw new IllegalArgumentException(
                    "metric '" + metric + "' does not exist in run " + id + ": it logs " + metricNames());
        }
        return new Series(
                metric,
                points.stream().mapToDouble(p -> p[0]).toArray(),
                points.stream().mapToDouble(p -> p[1]).toArray());
    }

    /**
     * A number describing the run for a fit's x axis: a config value by dotted key, or a metric's last value
     * (e.g. a logged parameter count), or {@code flops} as {@code 6 * parameters * tokens} when both exist.
     */
    public double quantity(String name) {
        String fromConfig = config.get(name);
        if (fromConfig != null) {
            try {
                return Double.parseDouble(fromConfig);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(
                        "config value " + name + " = '" + fromConfig + "' of run " + id + " is not a number");
            }
        }
        if (name.equals("flops") && has("parameters") && has("tokens")) {
            return 6 * quantity("parameters") * quantity("tokens");
        }
        if (metricNames().contains(name)) {
            double[] v = series(name).values();
            return v[v.length - 1];
        }
        throw new IllegalArgumentException("run " + id + " has no config value or metric '" + name
                + "' (flops needs parameters and tokens): config keys " + new TreeSet<>(config.keySet())
                + ", metrics " + metricNames());
    }

    private boolean has(String name) {
        return config.containsKey(name) || metricNames().contains(name);
    }
}

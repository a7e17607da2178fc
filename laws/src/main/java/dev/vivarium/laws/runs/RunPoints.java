package dev.vivarium.laws.runs;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Points for a fit across runs: one {@code (x, y)} per finished run of a recipe whose config has the given
 * values, with {@code x} any run quantity (a config value such as {@code model.d_model}, a logged count such
 * as {@code parameters}, or {@code flops}) and {@code y} a metric reduced over the run's log.
 *
 * @param runs the ids of the runs, one per point
 * @param x the x values
 * @param y the y values
 * @param broken runs that could not be read, skipped
 */
public record RunPoints(List<String> runs, double[] x, double[] y, List<RunSource.Broken> broken) {

    /** How a metric's log becomes one number. */
    public enum Reduction {
        FINAL,
        MIN,
        MAX
    }

    public RunPoints {
        runs = List.copyOf(runs);
        broken = List.copyOf(broken);
        x = x.clone();
        y = y.clone();
    }

    /** Collects the points; no matching finished run, or a missing quantity or metric, is a clear error. */
    public static RunPoints collect(
            RunSource source,
            String recipe,
            Map<String, String> config,
            String xName,
            String metric,
            Reduction reduction) {
        List<String> ids = new ArrayList<>();
        List<double[]> points = new ArrayList<>();
        RunSource.Scan scan = source.scan();
        for (RunRecord r : scan.runs()) {
            if (!r.finished() || !(recipe == null || r.recipe().equals(recipe)) || !matches(r.config(), config)) {
                continue;
            }
            double[] v = r.series(metric).values();
            double y =
                    switch (reduction) {
                        case FINAL -> v[v.length - 1];
                        case MIN -> Arrays.stream(v).min().orElseThrow();
                        case MAX -> Arrays.stream(v).max().orElseThrow();
                    };
            ids.add(r.id());
            points.add(new double[] {r.quantity(xName), y});
        }
        if (points.isEmpty()) {
            throw new IllegalArgumentException("no finished run" + (recipe == null ? "" : " of recipe '" + recipe + "'")
                    + " has config " + config + ": nothing to fit"
                    + (scan.broken().isEmpty() ? "" : " (" + scan.broken().size() + " unreadable runs skipped)"));
        }
        return new RunPoints(
                ids,
                points.stream().mapToDouble(p -> p[0]).toArray(),
                points.stream().mapToDouble(p -> p[1]).toArray(),
                scan.broken());
    }

    /** Parses {@code final}, {@code min} or {@code max}. */
    public static Reduction reduction(String name) {
        try {
            return Reduction.valueOf(name.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("reduction = '" + name + "': must be final, min or max");
        }
    }

    private static boolean matches(Map<String, String> config, Map<String, String> wanted) {
        for (Map.Entry<String, String> e : wanted.entrySet()) {
            String have = config.get(e.getKey());
            if (have == null) {
                return false;
            }
            if (!have.equals(e.getValue())) {
                try {
                    if (Double.parseDouble(have) != Double.parseDouble(e.getValue())) {
                        return false;
                    }
                } catch (NumberFormatException ex) {
                    return false;
                }
            }
        }
        return true;
    }
}

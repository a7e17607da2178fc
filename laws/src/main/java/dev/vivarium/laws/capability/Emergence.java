package dev.vivarium.laws.capability;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Emergence or mirage (Schaeffer et al. 2023): across runs of increasing scale, a discontinuous metric such
 * as exact match may jump while continuous ones (per-token log-likelihood, edit distance) improve smoothly,
 * in which case the jump is the metric's, not the model's. A jump is an abrupt acceleration: a step between
 * consecutive scales much larger than every step before it. Each metric's sharpness is the largest such
 * excess, {@code max_i (|d_i| - max_{j<i} |d_j|)}, as a share of its total variation {@code sum |d_i|}:
 * 0 for change spread evenly or slowing down (a power law in scale), near 1 when nearly all change arrives
 * in one step after a flat start. (A jump in the very first step cannot be told from a fast start.)
 *
 * @param sharpThreshold sharpness at or above which a metric counts as jumping, in (0, 1]
 */
public record Emergence(double sharpThreshold) {

    /** A metric is sharp when an acceleration holds at least a quarter of its total change. */
    public static final Emergence DEFAULT = new Emergence(0.25);

    /** What the comparison shows. */
    public enum Verdict {
        /** A discontinuous metric jumps but every continuous one is smooth. */
        MIRAGE,
        /** Continuous metrics jump too. */
        EMERGENT,
        /** No metric jumps. */
        SMOOTH
    }

    /**
     * One metric's summary.
     *
     * @param metric the name
     * @param discontinuous whether it was declared discontinuous
     * @param sharpness the largest acceleration's share of the total variation, in [0, 1]
     * @param steepestBetween the index of the scale after which that step happens
     */
    public record MetricSharpness(String metric, boolean discontinuous, double sharpness, int steepestBetween) {}

    /**
     * The comparison.
     *
     * @param metrics one summary per metric, in the order given
     * @param verdict what they show together
     */
    public record Report(List<MetricSharpness> metrics, Verdict verdict) {}

    public Emergence {
        if (!(sharpThreshold > 0 && sharpThreshold <= 1)) {
            throw new IllegalArgumentException("sharpThreshold = " + sharpThreshold + ": must be in (0, 1]");
        }
    }

    /**
     * Compares metrics across scales.
     *
     * @param scales the runs' scales, strictly increasing
     * @param metrics metric name to one value per scale
     * @param discontinuous the names of the discontinuous metrics (the others are continuous)
     */
    public Report compare(double[] scales, Map<String, double[]> metrics, Set<String> discontinuous) {
        if (scales.length < 3) {
            throw new IllegalArgumentException(
                    "got " + scales.length + " scales: need at least 3 runs of increasing scale");
        }
        for (int i = 1; i < scales.length; i++) {
            if (!(scales[i] > scales[i - 1])) {
                throw new IllegalArgumentException(
                        "scale " + scales[i] + " at index " + i + " is not above the previous one");
            }
        }
        for (String d : discontinuous) {
            if (!metrics.containsKey(d)) {
                throw new IllegalArgumentException("discontinuous metric '" + d + "' is not among " + metrics.keySet());
            }
        }
        List<MetricSharpness> out = new ArrayList<>();
        for (Map.Entry<String, double[]> e : new LinkedHashMap<>(metrics).entrySet()) {
            double[] v = e.getValue();
            if (v.length != scales.length) {
                throw new IllegalArgumentException(
                        e.getKey() + " has " + v.length + " values for " + scales.length + " scales");
            }
            double total = 0;
            double largestSoFar = Double.NaN;
            double bestExcess = 0;
            int at = 0;
            for (int i = 0; i + 1 < v.length; i++) {
                double d = Math.abs(v[i + 1] - v[i]);
                if (!Double.isFinite(d)) {
                    throw new IllegalArgumentException(e.getKey() + " is not finite at scale " + scales[i]);
                }
                total += d;
                double excess = Double.isNaN(largestSoFar) ? 0 : d - largestSoFar;
                if (excess > bestExcess) {
                    bestExcess = excess;
                    at = i;
                }
                largestSoFar = Double.isNaN(largestSoFar) ? d : Math.max(largestSoFar, d);
            }
            double sharpness = total > 0 ? bestExcess / total : 0;
            out.add(new MetricSharpness(e.getKey(), discontinuous.contains(e.getKey()), sharpness, at));
        }
        boolean discontinuousJumps = out.stream().anyMatch(m -> m.discontinuous() && m.sharpness() >= sharpThreshold);
        boolean continuousJumps = out.stream().anyMatch(m -> !m.discontinuous() && m.sharpness() >= sharpThreshold);
        Verdict verdict = continuousJumps ? Verdict.EMERGENT : discontinuousJumps ? Verdict.MIRAGE : Verdict.SMOOTH;
        return new Report(List.copyOf(out), verdict);
    }
}

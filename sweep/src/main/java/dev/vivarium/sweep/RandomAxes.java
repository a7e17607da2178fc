package dev.vivarium.sweep;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * {@code random: {n: 8, seed: 1, axes: {train.lr: {loguniform: [1e-4, 1e-2]}}}}: {@code n} draws, each a value
 * per axis, taken in the spec's axis order from one {@link SplittableRandom} seeded with {@code seed}, so the
 * same spec always draws the same points.
 */
public record RandomAxes(int n, long seed, Map<String, Distribution> axes) {
    public RandomAxes {
        if (n < 1) {
            throw new IllegalArgumentException("n: " + n + "; the number of draws is at least 1");
        }
        if (axes.isEmpty()) {
            throw new IllegalArgumentException("axes: empty; name at least one key and its distribution");
        }
        axes = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(axes));
    }

    /** The {@code n} draws, each a list of {@code key=value} overrides in axis order. */
    public List<List<String>> draws() {
        SplittableRandom random = new SplittableRandom(seed);
        List<List<String>> draws = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            List<String> draw = new ArrayList<>(axes.size());
            axes.forEach((key, d) -> draw.add(key + "=" + d.draw(random)));
            draws.add(List.copyOf(draw));
        }
        return List.copyOf(draws);
    }
}

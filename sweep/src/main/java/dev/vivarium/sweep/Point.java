package dev.vivarium.sweep;

import dev.vivarium.core.recipe.Recipe;
import java.util.List;

/**
 * One point of a sweep: its place in the expansion, its id, the {@code key=value} overrides that made it from
 * the sweep's recipe, and the resolved recipe they give.
 */
public record Point(int index, String id, List<String> overrides, Recipe recipe) {
    public Point {
        if (index < 0) {
            throw new IllegalArgumentException("index: " + index + "; a point's index is at least 0");
        }
        if (id.length() != PointId.LENGTH) {
            throw new IllegalArgumentException("id: '" + id + "' is not " + PointId.LENGTH + " hex digits");
        }
        overrides = List.copyOf(overrides);
    }

    /** The overrides as one line, {@code train.lr=0.001 seed=2}. */
    public String describe() {
        return overrides.isEmpty() ? "(the recipe as written)" : String.join(" ", overrides);
    }
}

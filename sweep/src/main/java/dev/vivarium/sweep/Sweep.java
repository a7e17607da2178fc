package dev.vivarium.sweep;

import dev.vivarium.core.recipe.Recipe;
import dev.vivarium.core.recipe.RecipeException;
import dev.vivarium.core.recipe.RecipeLoader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Expands a spec into its points and validates every one before anything trains: each point's overrides go
 * through core's own {@code --set} path, so a point is an ordinary resolved {@link Recipe}, and an unknown key
 * or a rejected value is core's message, prefixed with the spec file, the axis key and the point.
 */
public final class Sweep {
    private Sweep() {}

    /** Reads the spec at {@code file} and resolves all its points. */
    public static List<Point> points(Path file) {
        return points(SpecReader.read(file));
    }

    /** Every point of {@code spec}, resolved, with distinct ids; the first bad point is a one-line error. */
    public static List<Point> points(SweepSpec spec) {
        String text;
        try {
            RecipeLoader.load(spec.recipe(), List.of());
            text = Files.readString(spec.recipe());
        } catch (RecipeException e) {
            throw new SweepException(spec.source() + ": recipe: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new SweepException(
                    spec.source() + ": recipe: " + spec.recipe() + ": cannot read: " + e.getMessage(), e);
        }
        List<List<String>> expanded = spec.expand();
        List<Point> points = new ArrayList<>(expanded.size());
        Map<String, Point> byId = new HashMap<>();
        for (int i = 0; i < expanded.size(); i++) {
            List<String> overrides = expanded.get(i);
            Recipe recipe = resolve(spec, text, i, overrides);
            Point point = new Point(i, PointId.of(recipe), overrides, recipe);
            Point twin = byId.putIfAbsent(point.id(), point);
            if (twin != null && !RecipeLoader.toYaml(twin.recipe()).equals(RecipeLoader.toYaml(recipe))) {
                throw new SweepException(spec.source() + ": points " + twin.index() + " and " + i
                        + " have different configs but share the id " + point.id()
                        + " (a 48-bit hash collision); split the sweep");
            }
            if (twin != null) {
                throw new SweepException(spec.source() + ": points " + twin.index() + " (" + twin.describe() + ") and "
                        + i + " (" + point.describe() + ") resolve to the same config (id " + point.id()
                        + "); drop one of the values that make them");
            }
            points.add(point);
        }
        return List.copyOf(points);
    }

    private static Recipe resolve(SweepSpec spec, String text, int index, List<String> overrides) {
        try {
            return RecipeLoader.parse(text, spec.recipe().toString(), overrides);
        } catch (RecipeException e) {
            String message = e.getMessage();
            for (String o : overrides) {
                if (message.startsWith("--set " + o + ":")) {
                    String key = o.substring(0, o.indexOf('='));
                    String at =
                            switch (spec.axisOf(key).orElse("set")) {
                                case "set" -> "set." + key;
                                case "seeds" -> "sweep.seeds";
                                case "random" -> "sweep.random.axes." + key;
                                default -> "sweep." + spec.axisOf(key).get() + "." + key;
                            };
                    throw new SweepException(
                            spec.source() + ": " + at + ", point " + index + " (" + String.join(" ", overrides) + "): "
                                    + message,
                            e);
                }
            }
            throw new SweepException(
                    spec.source() + ": point " + index + " (" + String.join(" ", overrides) + "): " + message, e);
        }
    }
}

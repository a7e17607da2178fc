package dev.vivarium.sweep;

import dev.vivarium.core.recipe.Recipe;
import dev.vivarium.core.recipe.RecipeLoader;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A point's id: the first 12 hex digits of the SHA-256 of its resolved recipe as YAML (the form a run
 * records), with the engine's threads set to 1. It depends on the experiment alone, so a point keeps its id
 * when other values join its sweep, and when the executor gives it another number of threads (how many points
 * share the cores is the executor's choice; the run records the threads it trained with, and resumes with
 * them).
 */
public final class PointId {
    /** Hex digits kept: 48 bits, so a collision among a million points has odds of about 2e-3. */
    public static final int LENGTH = 12;

    private PointId() {}

    public static String of(Recipe recipe) {
        Recipe r = recipe;
        Recipe one =
                new Recipe(r.name(), r.description(), r.seed(), 1, r.task(), r.model(), r.train(), r.lens(), r.init());
        return ofYaml(RecipeLoader.toYaml(one));
    }

    /** The id of a resolved config's YAML text: the first {@link #LENGTH} hex digits of its UTF-8 bytes' SHA-256. */
    public static String ofYaml(String yaml) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(yaml.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest).substring(0, LENGTH);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every Java runtime", e);
        }
    }
}

package dev.vivarium.sweep;

import dev.vivarium.core.recipe.Recipe;
import dev.vivarium.core.recipe.RecipeLoader;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A point's id: the first 12 hex digits of the SHA-256 of its resolved recipe as YAML (the form a run
 * records). It depends on the config alone, so a point keeps its id when other values join its sweep.
 */
public final class PointId {
    /** Hex digits kept: 48 bits, so a collision among a million points has odds of about 2e-3. */
    public static final int LENGTH = 12;

    private PointId() {}

    public static String of(Recipe recipe) {
        return ofYaml(RecipeLoader.toYaml(recipe));
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

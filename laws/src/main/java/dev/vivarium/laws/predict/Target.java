package dev.vivarium.laws.predict;

import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * What a prediction is about: the finished runs of a recipe whose config has the given values, and one
 * quantity of each (a metric reduced over its log, or a detector's output), averaged over the runs.
 *
 * @param recipe the recipe's name (e.g. {@code "modular-addition"})
 * @param config config values the runs must have, by dotted key (e.g. {@code "train.weight_decay" -> "1.0"})
 * @param quantity a metric name ({@code "test_loss"}) or a detector output (see {@link #DETECTOR_OUTPUTS})
 * @param reduction how a metric's log becomes one number; ignored for detector outputs
 */
public record Target(String recipe, Map<String, String> config, String quantity, Reduction reduction) {

    /**
     * Detector outputs a target may name, computed from the runs' {@code train_acc} and {@code test_loss} by
     * {@link dev.vivarium.laws.detect.GrokkingPhase#DEFAULT}: the memorisation step, the grokking step (where
     * test loss's final descent begins), their difference, and whether it grokked (1 or 0).
     */
    public static final Set<String> DETECTOR_OUTPUTS =
            Set.of("grok_step", "memorisation_step", "grok_delay", "grokked");

    private static final Pattern NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_.\\-/]*");

    /** How a metric's series becomes one number. */
    public enum Reduction {
        FINAL,
        MIN,
        MAX
    }

    public Target {
        if (recipe == null || !NAME.matcher(recipe).matches()) {
            throw new IllegalArgumentException("recipe = '" + recipe + "': must be a name (letters, digits, _ . - /)");
        }
        if (quantity == null || !NAME.matcher(quantity).matches()) {
            throw new IllegalArgumentException("quantity = '" + quantity + "': must be a metric name or one of "
                    + new TreeMap<>(Map.of("detector outputs", DETECTOR_OUTPUTS)));
        }
        config = Map.copyOf(config == null ? Map.of() : config);
        reduction = reduction == null ? Reduction.FINAL : reduction;
    }

    /** Whether the quantity is a detector's output rather than a logged metric. */
    public boolean isDetectorOutput() {
        return DETECTOR_OUTPUTS.contains(quantity);
    }
}

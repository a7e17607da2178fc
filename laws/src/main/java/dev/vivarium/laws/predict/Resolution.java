package dev.vivarium.laws.predict;

import java.time.Instant;
import java.util.List;

/**
 * What a prediction's target turned out to be.
 *
 * @param predictionId the prediction resolved
 * @param value the target's value (for {@code grokked}: 1 or 0)
 * @param runs the ids of the runs it was computed from
 * @param resolvedAt when it was resolved
 */
public record Resolution(String predictionId, double value, List<String> runs, Instant resolvedAt) {
    public Resolution {
        runs = List.copyOf(runs);
        if (!Double.isFinite(value)) {
            throw new IllegalArgumentException(
                    "value = " + value + " for prediction " + predictionId + ": must be finite");
        }
    }
}

package dev.vivarium.laws.predict;

import java.time.Instant;
import java.util.List;

/**
 * What a prediction's target turned out to be, as recorded in the ledger.
 *
 * @param predictionId the prediction resolved
 * @param value the target's value (for {@code grokked}: 1 or 0)
 * @param runs the runs it was computed from, with their start times; empty when the value was given by hand
 * @param resolvedAt when it was resolved (the ledger entry's time)
 * @param preRegistered whether every run started after the prediction was registered; false when earlier runs
 *     were allowed in ({@code --allow-earlier-runs})
 */
public record Resolution(
        String predictionId, double value, List<RunUsed> runs, Instant resolvedAt, boolean preRegistered) {

    /**
     * A run a resolution used.
     *
     * @param id the run's id
     * @param startedAt when it started (its status file's {@code startedAt})
     */
    public record RunUsed(String id, Instant startedAt) {}

    public Resolution {
        runs = List.copyOf(runs);
        if (!Double.isFinite(value)) {
            throw new IllegalArgumentException(
                    "value = " + value + " for prediction " + predictionId + ": must be finite");
        }
    }

    /** Whether the value was given by hand rather than read from runs. */
    public boolean givenByHand() {
        return runs.isEmpty();
    }
}

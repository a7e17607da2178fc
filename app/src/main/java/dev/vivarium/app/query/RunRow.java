package dev.vivarium.app.query;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One row of the {@code runs} table: what a run's directory says about it.
 *
 * @param id the run's key in every table: its directory name, or {@code <sweep>/<name>} for a run of a sweep
 *     folder (point ids repeat across sweeps that share a point)
 * @param path the run's directory
 * @param sweep the sweep folder's name when the run lives in one's {@code runs/}
 * @param recipe the recipe that made it, as its status records it
 * @param state its effective state (a RUNNING run whose process is gone is KILLED)
 * @param step the last step reached
 * @param totalSteps the step it stops at
 * @param started when training started
 * @param message why it stopped, if its status says
 * @param config its {@code config.yaml} flattened to dotted keys ({@link ConfigFlattener}); a value is a
 *     {@code Long}, {@code Double}, {@code Boolean}, {@code String} or null
 */
public record RunRow(
        String id,
        Path path,
        Optional<String> sweep,
        String recipe,
        String state,
        long step,
        long totalSteps,
        Instant started,
        Optional<String> message,
        Map<String, Object> config) {
    /** Checks nothing required is null; keeps the config's order. */
    public RunRow {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(sweep, "sweep");
        Objects.requireNonNull(recipe, "recipe");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(started, "started");
        Objects.requireNonNull(message, "message");
        config = Collections.unmodifiableMap(new LinkedHashMap<>(config));
    }
}

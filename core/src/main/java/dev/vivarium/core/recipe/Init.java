package dev.vivarium.core.recipe;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Optional;

/**
 * Where a fine-tune starts: a checkpoint of another run, as written in a recipe's {@code init:} block. The
 * weights are copied from it (the parent run is only read); with {@code optimizer: true} the optimizer's
 * state and update count too.
 *
 * @param run the parent run: a directory path, absolute or relative to the runs directory (a started run
 *     records it absolute)
 * @param step the parent's checkpoint to start from; absent means its newest (a started run records the step)
 * @param optimizer whether to carry over the parent's optimizer state (moments and update count) as well
 * @param sha256 SHA-256 of the parent's weights file, recorded when the run starts; given, it must match
 */
public record Init(
        String run,
        Optional<Long> step,
        boolean optimizer,
        @JsonInclude(JsonInclude.Include.NON_ABSENT) Optional<String> sha256) {
    public Init {
        if (run == null || run.isBlank()) {
            throw new IllegalArgumentException(
                    "run: required: the parent run's directory (or its id under the runs" + " directory)");
        }
        step = step == null ? Optional.empty() : step;
        step.ifPresent(s -> {
            if (s < 0) {
                throw new IllegalArgumentException("step: must be a checkpoint step >= 0, got " + s);
            }
        });
        sha256 = sha256 == null ? Optional.empty() : sha256;
        sha256.ifPresent(h -> {
            if (!h.matches("[0-9a-f]{64}")) {
                throw new IllegalArgumentException("sha256: must be 64 lower-case hex digits, got '" + h + "'");
            }
        });
    }

    /** The same start from the run at {@code path}. */
    public Init withRun(String path) {
        return new Init(path, step, optimizer, sha256);
    }

    /** The same start with the parent's path, step and checksum made explicit. */
    public Init resolved(String path, long checkpointStep, String checksum) {
        return new Init(path, Optional.of(checkpointStep), optimizer, Optional.of(checksum));
    }
}

package dev.vivarium.app.web;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * One run as the dashboard lists it, read from its directory.
 *
 * @param id its key in the dashboard: its directory's name, or {@code SWEEP/POINT} for a run of a sweep folder
 * @param dir its directory
 * @param sweep the sweep folder it belongs to, if any
 * @param recipe the recipe its status names ({@code ?} if the status is unreadable)
 * @param state its effective state: a RUNNING run whose process is gone is KILLED; BROKEN if unreadable
 * @param step the last step reached
 * @param totalSteps the step it stops at
 * @param started when it started (the epoch if unknown)
 * @param updated its last heartbeat (the epoch if unknown)
 * @param message why it stopped, or the status's remark
 * @param problem what is wrong with its files (named, one line), if anything
 * @param last the last complete row of its metric log
 */
public record RunInfo(
        String id,
        Path dir,
        Optional<String> sweep,
        String recipe,
        String state,
        long step,
        long totalSteps,
        Instant started,
        Instant updated,
        Optional<String> message,
        Optional<String> problem,
        Map<String, Double> last) {
    /** Keeps the last row as given. */
    public RunInfo {
        last = Map.copyOf(last);
    }

    /** Seconds from the start to the last heartbeat (0 when either is unknown). */
    public double durationSeconds() {
        if (started.equals(Instant.EPOCH) || updated.isBefore(started)) {
            return 0;
        }
        return (updated.toEpochMilli() - started.toEpochMilli()) / 1000.0;
    }
}

package dev.vivarium.store.run;

/** Where a run is in its life. Only {@link #RUNNING} changes; the others are final. */
public enum RunState {
    /** Training, and (if alive) refreshing its heartbeat. */
    RUNNING,
    /** Reached its last step. */
    COMPLETED,
    /** Stopped by an error it could report. */
    FAILED,
    /** Stopped without a word: the process is gone or its heartbeat went stale. */
    KILLED
}

package dev.vivarium.store.run;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * What a run says about itself in {@code status.json}: state, who runs it, since when, how far along.
 *
 * @param state where the run is in its life
 * @param recipe the recipe that made it (a name or path, as the caller records it)
 * @param pid process id of the training process; 0 when unknown
 * @param host host name of the machine running it
 * @param startedAt when training started
 * @param heartbeatAt when the training process last said it was alive
 * @param step the last step reached
 * @param totalSteps the step the run will stop at
 * @param message why it stopped, or anything else worth a line on a dashboard
 */
public record RunStatus(
        RunState state,
        String recipe,
        long pid,
        String host,
        Instant startedAt,
        Instant heartbeatAt,
        long step,
        long totalSteps,
        Optional<String> message) {

    /** Checks that nothing is null and no count is negative. */
    public RunStatus {
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(recipe, "recipe");
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(startedAt, "startedAt");
        Objects.requireNonNull(heartbeatAt, "heartbeatAt");
        Objects.requireNonNull(message, "message (use Optional.empty())");
        if (pid < 0) {
            throw new IllegalArgumentException("pid must be >= 0 (0 when unknown), got " + pid);
        }
        if (step < 0) {
            throw new IllegalArgumentException("step must be >= 0, got " + step);
        }
        if (totalSteps < 0) {
            throw new IllegalArgumentException("totalSteps must be >= 0, got " + totalSteps);
        }
    }

    /**
     * The status of a run starting now in this process: RUNNING at step 0, with this process's pid and
     * this machine's host name.
     */
    public static RunStatus startingNow(String recipe, long totalSteps) {
        Instant now = Instant.now();
        return new RunStatus(
                RunState.RUNNING,
                recipe,
                ProcessHandle.current().pid(),
                LocalHost.name(),
                now,
                now,
                0,
                totalSteps,
                Optional.empty());
    }

    /** The same status with a new heartbeat time and step. */
    public RunStatus withHeartbeat(Instant t, long step) {
        return new RunStatus(state, recipe, pid, host, startedAt, t, step, totalSteps, message);
    }

    /** The same status in another state, with {@code msg} replacing the message. */
    public RunStatus withState(RunState s, Optional<String> msg) {
        return new RunStatus(s, recipe, pid, host, startedAt, heartbeatAt, step, totalSteps, msg);
    }
}

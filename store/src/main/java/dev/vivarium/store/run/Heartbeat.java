package dev.vivarium.store.run;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Keeps a running run's {@code status.json} fresh, so readers can tell a live run from a dead one (see
 * {@link RunDir#effectiveStatus}). Use with try-with-resources around training:
 *
 * <pre>{@code
 * run.writeStatus(RunStatus.startingNow(recipe, totalSteps));
 * try (Heartbeat beat = new Heartbeat(run, Duration.ofSeconds(10), () -> step)) {
 *   ... train ...
 * }
 * run.updateStatus(s -> s.withState(RunState.COMPLETED, Optional.empty()));
 * }</pre>
 *
 * <p>Each beat rewrites the status with {@code heartbeatAt = now} and the current step, but only while
 * its state is RUNNING: a beat never revives a run that has been marked finished.
 */
public final class Heartbeat implements AutoCloseable {

    private final RunDir run;
    private final LongSupplier currentStep;
    private final CountDownLatch stop = new CountDownLatch(1);
    private final Thread thread;
    private volatile IOException lastError;

    /**
     * Beats once at once (so a missing or corrupt status fails here, as an {@link UncheckedIOException}
     * naming the file), then every {@code interval} on a daemon thread.
     */
    public Heartbeat(RunDir run, Duration interval, LongSupplier currentStep) {
        this.run = Objects.requireNonNull(run, "run");
        this.currentStep = Objects.requireNonNull(currentStep, "currentStep");
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("heartbeat interval must be positive, got " + interval);
        }
        try {
            beat();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start heartbeat for run " + run.id() + ": " + e.getMessage(), e);
        }
        long millis = Math.max(1, interval.toMillis());
        thread = new Thread(() -> loop(millis), "heartbeat-" + run.id());
        thread.setDaemon(true);
        thread.start();
    }

    /** The error of the latest beat, if it failed; beats go on after a failure. */
    public Optional<IOException> lastError() {
        return Optional.ofNullable(lastError);
    }

    /** Stops beating and waits for the thread to finish; no beat happens after this returns. */
    @Override
    public void close() {
        stop.countDown();
        boolean interrupted = false;
        while (thread.isAlive()) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                interrupted = true; // finish waiting, then restore the flag
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private void loop(long millis) {
        try {
            while (!stop.await(millis, TimeUnit.MILLISECONDS)) {
                try {
                    beat();
                    lastError = null;
                } catch (IOException | RuntimeException e) {
                    lastError = e instanceof IOException io ? io : new IOException(e);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // stop beating
        }
    }

    private void beat() throws IOException {
        long step = currentStep.getAsLong();
        run.updateStatus(s -> s.state() == RunState.RUNNING ? s.withHeartbeat(Instant.now(), step) : s);
    }
}

package dev.vivarium.core.run;

import dev.vivarium.core.train.Trainer;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * SIGTERM and Ctrl-C while a run trains: the shutdown hook asks the trainer to stop after its current step
 * and waits until the run has written its checkpoint and its final status — signalled by {@link #close}, not
 * by the training thread's death (the JVM's exit waits for its hooks, so a hook that waited for the thread that
 * called {@code System.exit} would wait out its whole timeout). Slurm sends SIGKILL 30 s after SIGTERM by
 * default: the wait is bounded well inside that.
 */
final class StopSignal implements AutoCloseable {
    static final Duration MAX_WAIT = Duration.ofSeconds(25);

    private final CountDownLatch finished = new CountDownLatch(1);
    private final Thread hook;

    StopSignal(Trainer trainer) {
        this(trainer::requestStop);
    }

    /** As {@link #StopSignal(Trainer)} for any loop that stops after its step when {@code requestStop} runs. */
    StopSignal(Runnable requestStop) {
        hook = new Thread(
                () -> {
                    requestStop.run();
                    try {
                        finished.await(MAX_WAIT.toMillis(), TimeUnit.MILLISECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                },
                "vivarium-stop");
        Runtime.getRuntime().addShutdownHook(hook);
    }

    /** The run has written what it writes on the way out: let the JVM exit. */
    @Override
    public void close() {
        finished.countDown();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // the hook is running and has just been released
        }
    }
}

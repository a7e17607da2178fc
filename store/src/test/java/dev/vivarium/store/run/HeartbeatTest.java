package dev.vivarium.store.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HeartbeatTest {

    @TempDir
    Path dir;

    @Test
    void beatsWithTheCurrentStepUntilClosed() throws IOException, InterruptedException {
        RunDir run = RunDir.create(dir.resolve("r"));
        Instant longAgo = Instant.parse("2020-01-01T00:00:00Z");
        run.writeStatus(RunStatus.startingNow("r.yaml", 100).withHeartbeat(longAgo, 0));
        AtomicLong step = new AtomicLong(3);

        try (Heartbeat beat = new Heartbeat(run, Duration.ofMillis(10), step::get)) {
            RunStatus first = run.readStatus();
            assertEquals(3, first.step(), "the first beat happens in the constructor");
            assertTrue(first.heartbeatAt().isAfter(longAgo));
            step.set(42);
            RunStatus later = awaitStep(run, 42);
            assertTrue(!later.heartbeatAt().isBefore(first.heartbeatAt()));
            assertEquals(Optional.empty(), beat.lastError());
        }
        RunStatus closed = run.readStatus();
        step.set(99);
        Thread.sleep(50);
        assertEquals(closed, run.readStatus(), "no beat after close()");
        assertEquals(
                RunState.RUNNING, run.effectiveStatus(Duration.ofSeconds(60)).state());
    }

    @Test
    void neverRevivesAFinishedRun() throws IOException, InterruptedException {
        RunDir run = RunDir.create(dir.resolve("r"));
        RunStatus done = RunStatus.startingNow("r.yaml", 100).withState(RunState.COMPLETED, Optional.empty());
        run.writeStatus(done);
        try (Heartbeat beat = new Heartbeat(run, Duration.ofMillis(5), () -> 100)) {
            Thread.sleep(30);
            assertEquals(Optional.empty(), beat.lastError());
        }
        assertEquals(done, run.readStatus());
    }

    @Test
    void missingStatusFailsAtOnce() throws IOException {
        RunDir run = RunDir.create(dir.resolve("r"));
        UncheckedIOException e =
                assertThrows(UncheckedIOException.class, () -> new Heartbeat(run, Duration.ofSeconds(1), () -> 0));
        assertTrue(e.getMessage().contains(run.statusFile().toString()), e.getMessage());
    }

    private static RunStatus awaitStep(RunDir run, long step) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (System.nanoTime() < deadline) {
            RunStatus s = run.readStatus();
            if (s.step() == step) {
                return s;
            }
            Thread.sleep(5);
        }
        throw new AssertionError("heartbeat never wrote step " + step);
    }
}

package dev.vivarium.store.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunDirTest {

    /** Far above any Linux pid_max (at most 2^22), so no such process can exist. */
    private static final long NO_SUCH_PID = Integer.MAX_VALUE - 1L;

    @TempDir
    Path dir;

    @Test
    void createMakesTheLayout() throws IOException {
        RunDir run = RunDir.create(dir.resolve("modadd_s0"));
        assertEquals("modadd_s0", run.id());
        assertTrue(Files.isDirectory(dir.resolve("modadd_s0/checkpoints")));
        assertTrue(Files.isDirectory(dir.resolve("modadd_s0/analyses")));
        assertEquals(dir.resolve("modadd_s0/config.yaml"), run.configFile());
        assertEquals(dir.resolve("modadd_s0/status.json"), run.statusFile());
        assertEquals(dir.resolve("modadd_s0/metrics.jsonl"), run.metricsFile());
        assertEquals(dir.resolve("modadd_s0/split.safetensors"), run.splitFile());
    }

    @Test
    void createRefusesANonEmptyDirectoryButTakesAnEmptyOne() throws IOException {
        Path used = Files.createDirectories(dir.resolve("used"));
        Files.writeString(used.resolve("config.yaml"), "x: 1\n");
        IOException e = assertThrows(IOException.class, () -> RunDir.create(used));
        assertTrue(
                e.getMessage().startsWith("cannot create run at " + used + ": the directory exists and is not empty"),
                e.getMessage());
        RunDir.create(Files.createDirectories(dir.resolve("empty")));
        assertTrue(Files.isDirectory(dir.resolve("empty/checkpoints")));
    }

    @Test
    void openNeedsTheDirectoryAndItsConfig() throws IOException {
        IOException missing = assertThrows(IOException.class, () -> RunDir.open(dir.resolve("nope")));
        assertEquals("no run at " + dir.resolve("nope") + ": the directory does not exist", missing.getMessage());

        RunDir created = RunDir.create(dir.resolve("r"));
        IOException noConfig = assertThrows(IOException.class, () -> RunDir.open(dir.resolve("r")));
        assertEquals("not a run directory: " + created.configFile() + " is missing", noConfig.getMessage());

        created.writeConfig("seed: 0\n");
        assertEquals("seed: 0\n", Files.readString(RunDir.open(dir.resolve("r")).configFile()));
    }

    @Test
    void checkpointNames() throws IOException {
        RunDir run = RunDir.create(dir.resolve("r"));
        assertEquals(
                "step_00001000.safetensors",
                run.checkpointFile(1000).getFileName().toString());
        assertEquals(
                "step_00001000.optim.safetensors",
                run.optimizerFile(1000).getFileName().toString());
        assertEquals(
                "step_00000000.safetensors", run.checkpointFile(0).getFileName().toString());
        assertEquals(
                "step_1234567890.safetensors",
                run.checkpointFile(1_234_567_890L).getFileName().toString());
        assertEquals(run.checkpointsDir(), run.checkpointFile(5).getParent());
        assertThrows(IllegalArgumentException.class, () -> run.checkpointFile(-1));
    }

    @Test
    void checkpointStepsCountOnlyWeightFiles() throws IOException {
        RunDir run = RunDir.create(dir.resolve("r"));
        assertEquals(List.of(), run.checkpointSteps());
        assertEquals(OptionalLong.empty(), run.lastCheckpointStep());
        for (long step : new long[] {1000, 10, 123_456_789_012L, 0}) {
            Files.createFile(run.checkpointFile(step));
        }
        Files.createFile(run.optimizerFile(5000));
        Files.createFile(run.checkpointsDir().resolve(".step_00002000.safetensors.tmp-1x2y"));
        Files.createFile(run.checkpointsDir().resolve("step_12.safetensors"));
        Files.createFile(run.checkpointsDir().resolve("notes.txt"));
        Files.createDirectory(run.checkpointsDir().resolve("step_00003000.safetensors"));

        assertEquals(List.of(0L, 10L, 1000L, 123_456_789_012L), run.checkpointSteps());
        assertEquals(OptionalLong.of(123_456_789_012L), run.lastCheckpointStep());
    }

    @Test
    void statusRoundTripsThroughTheFile() throws IOException {
        RunDir run = RunDir.create(dir.resolve("r"));
        IOException e = assertThrows(IOException.class, run::readStatus);
        assertTrue(e.getMessage().contains(run.statusFile().toString()), e.getMessage());
        RunStatus s = RunStatus.startingNow("recipes/modadd.yaml", 5000);
        run.writeStatus(s);
        assertEquals(s, run.readStatus());
    }

    @Test
    void runningWithAPidThatDoesNotExistIsKilled() throws IOException {
        RunDir run = RunDir.create(dir.resolve("r"));
        run.writeStatus(running(NO_SUCH_PID, LocalHost.name(), Instant.now()));
        RunStatus s = run.effectiveStatus(Duration.ofHours(1));
        assertEquals(RunState.KILLED, s.state());
        assertTrue(
                s.message().orElseThrow().contains("process " + NO_SUCH_PID + " on " + LocalHost.name() + " is gone"),
                s.message().toString());
        assertEquals(RunState.RUNNING, run.readStatus().state(), "the file is not rewritten");
    }

    @Test
    void staleHeartbeatIsKilledEvenOnAnotherHost() throws IOException {
        RunDir run = RunDir.create(dir.resolve("r"));
        Instant old = Instant.now().minus(Duration.ofMinutes(5));
        run.writeStatus(running(NO_SUCH_PID, "some-other-host", old));
        RunStatus s = run.effectiveStatus(Duration.ofSeconds(60));
        assertEquals(RunState.KILLED, s.state());
        assertTrue(
                s.message().orElseThrow().startsWith("no heartbeat since " + old),
                s.message().toString());

        run.writeStatus(running(ProcessHandle.current().pid(), LocalHost.name(), old));
        assertEquals(
                RunState.KILLED, run.effectiveStatus(Duration.ofSeconds(60)).state(), "alive but silent");
    }

    @Test
    void freshHeartbeatOfALiveProcessIsRunning() throws IOException {
        RunDir run = RunDir.create(dir.resolve("r"));
        RunStatus written = running(ProcessHandle.current().pid(), LocalHost.name(), Instant.now());
        run.writeStatus(written);
        assertEquals(written, run.effectiveStatus(Duration.ofSeconds(60)));

        RunStatus remote = running(NO_SUCH_PID, "some-other-host", Instant.now());
        run.writeStatus(remote);
        assertEquals(remote, run.effectiveStatus(Duration.ofSeconds(60)), "cannot see other hosts' processes");
    }

    @Test
    void finishedStatesAreReturnedAsRead() throws IOException {
        RunDir run = RunDir.create(dir.resolve("r"));
        RunStatus done = running(NO_SUCH_PID, LocalHost.name(), Instant.EPOCH)
                .withState(RunState.COMPLETED, Optional.of("done"));
        run.writeStatus(done);
        assertEquals(done, run.effectiveStatus(Duration.ofSeconds(1)));
    }

    @Test
    void metricsIsOneSharedLog() throws IOException {
        RunDir run = RunDir.create(dir.resolve("r"));
        assertSame(run.metrics(), run.metrics());
        assertEquals(run.metricsFile(), run.metrics().file());
    }

    @Test
    void updateStatusWritesOnlyWhenChanged() throws IOException {
        RunDir run = RunDir.create(dir.resolve("r"));
        run.writeStatus(running(1, "h", Instant.EPOCH));
        Files.setLastModifiedTime(run.statusFile(), FileTime.fromMillis(0));
        run.updateStatus(s -> s);
        assertEquals(0, Files.getLastModifiedTime(run.statusFile()).toMillis());
        RunStatus after = run.updateStatus(s -> s.withHeartbeat(Instant.EPOCH, 7));
        assertEquals(7, after.step());
        assertEquals(after, run.readStatus());
    }

    private static RunStatus running(long pid, String host, Instant heartbeat) {
        return new RunStatus(
                RunState.RUNNING,
                "recipes/modadd.yaml",
                pid,
                host,
                heartbeat.minusSeconds(10),
                heartbeat,
                10,
                100,
                Optional.empty());
    }
}

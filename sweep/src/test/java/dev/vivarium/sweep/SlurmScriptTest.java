package dev.vivarium.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vivarium.store.run.RunState;
import dev.vivarium.store.run.RunStatus;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Slurm executor's text: the array list, the batch script's #SBATCH lines, the spec's slurm block, the join. */
class SlurmScriptTest {
    @TempDir
    Path dir;

    @Test
    void indicesAreWrittenAsRanges() {
        assertEquals("0-2,5,7-9", SlurmExecutor.arrayIndices(List.of(0, 1, 2, 5, 7, 8, 9)));
        assertEquals("3", SlurmExecutor.arrayIndices(List.of(3)));
        assertEquals("0,2,4-5", SlurmExecutor.arrayIndices(List.of(5, 4, 2, 0, 2)));
        assertThrows(IllegalArgumentException.class, () -> SlurmExecutor.arrayIndices(List.of()));
    }

    @Test
    void theArrayListReadsBack() throws Exception {
        assertEquals(List.of(0, 1, 2, 5, 7, 8, 9), SlurmQueue.indices("0-2,5,7-9%3", dir.resolve("jobs.tsv"), 2));
    }

    @Test
    void theScriptAsksForTheSpecsResourcesUnderTheFlags() {
        Path spec = Fixtures.spec(
                dir,
                "sweep: {grid: {train.lr: [0.001, 0.002]}}\n"
                        + "slurm: {time: \"1:00:00\", mem: 2G, partition: cpu, account: lab, maxRunning: 4,"
                        + " sbatch: [\"--qos=low\"]}\n");
        SlurmOptions fromSpec = SpecReader.read(spec).slurm();
        SlurmOptions flags = new SlurmOptions(
                Optional.of("30:00"),
                Optional.empty(),
                OptionalInt.empty(),
                Optional.empty(),
                Optional.empty(),
                List.of("--nice=10"),
                OptionalInt.of(3));
        SlurmOptions o = fromSpec.overriddenBy(flags);
        SweepFolder folder = SweepFolder.at(dir.resolve("sweeps/spec"));
        String script = SlurmExecutor.script(folder, List.of(0, 1, 2, 5, 7, 8, 9), o, 2, List.of("java", "it's", "x"));
        List<String> sbatch =
                script.lines().filter(l -> l.startsWith("#SBATCH ")).toList();
        assertEquals(
                List.of(
                        "#SBATCH --job-name=vivarium-spec",
                        "#SBATCH --array=0-2,5,7-9%3",
                        "#SBATCH --requeue",
                        "#SBATCH --signal=B:USR1@" + SlurmExecutor.WARNING_SECONDS,
                        "#SBATCH --output=" + folder.root().resolve("logs/slurm-%A_%a.out"),
                        "#SBATCH --open-mode=append",
                        "#SBATCH --ntasks=1",
                        "#SBATCH --cpus-per-task=2",
                        "#SBATCH --time=30:00",
                        "#SBATCH --mem=2G",
                        "#SBATCH --partition=cpu",
                        "#SBATCH --account=lab",
                        "#SBATCH --qos=low",
                        "#SBATCH --nice=10"),
                sbatch);
        assertTrue(script.startsWith("#!/bin/bash\n"), script);
        assertTrue(script.contains("'java' 'it'\\''s' 'x' --index \"$SLURM_ARRAY_TASK_ID\" &\n"), script);
        assertTrue(script.contains("trap warned USR1"), script);
        assertTrue(script.contains("scontrol requeue \"${SLURM_ARRAY_JOB_ID}_${SLURM_ARRAY_TASK_ID}\""), script);
    }

    @Test
    void withoutAMaxTheArrayHasNoLimit() {
        String script = SlurmExecutor.script(SweepFolder.at(dir), List.of(0, 1), SlurmOptions.none(), 1, List.of("w"));
        assertTrue(script.contains("#SBATCH --array=0-1\n"), script);
        assertTrue(script.contains("#SBATCH --cpus-per-task=1\n"), script);
    }

    @Test
    void anUnknownSlurmKeyIsRefusedNamingTheFileAndKey() {
        Path spec = Fixtures.spec(dir, "sweep: {seeds: 2}\nslurm: {time: \"1:00\", gpus: 1}\n");
        SweepException e = assertThrows(SweepException.class, () -> SpecReader.read(spec));
        assertEquals(
                spec + ": unknown field 'slurm.gpus'; allowed here: account, cpusPerTask, maxRunning, mem,"
                        + " partition, sbatch, time",
                e.getMessage());
        Path bad = Fixtures.spec(dir, "sweep: {seeds: 2}\nslurm: {cpusPerTask: 0}\n");
        assertEquals(
                bad + ": slurm.cpusPerTask: 0; must be at least 1",
                assertThrows(SweepException.class, () -> SpecReader.read(bad)).getMessage());
        Path line = Fixtures.spec(dir, "sweep: {seeds: 2}\nslurm: {sbatch: [\"qos=low\"]}\n");
        assertTrue(assertThrows(SweepException.class, () -> SpecReader.read(line))
                .getMessage()
                .startsWith(line + ": slurm.sbatch: 'qos=low' is not an sbatch option"));
    }

    @Test
    void anUnquotedTimeIsReadAsWritten() {
        Path spec = Fixtures.spec(dir, "sweep: {seeds: 2}\nslurm: {time: 2:00:00, mem: 500M, cpusPerTask: 2}\n");
        SlurmOptions o = SpecReader.read(spec).slurm();
        assertEquals(Optional.of("2:00:00"), o.time());
        assertEquals(Optional.of("500M"), o.mem());
        assertEquals(OptionalInt.of(2), o.cpusPerTask());
    }

    @Test
    void aSpecWithoutASlurmBlockAsksForNothing() {
        assertEquals(
                SlurmOptions.none(),
                SpecReader.read(Fixtures.spec(dir, "sweep: {seeds: 2}\n")).slurm());
    }

    @Test
    void aCancelledTaskNeverShowsRunning() {
        Instant now = Instant.parse("2026-01-01T00:01:00Z");
        RunStatus fresh = status(RunState.RUNNING, now.minusSeconds(1));
        RunStatus stale = status(RunState.RUNNING, now.minusSeconds(40));
        SlurmQueue.Task running = new SlurmQueue.Task(0, "7", "RUNNING");
        SlurmQueue.Task gone = new SlurmQueue.Task(0, "7", "");
        SlurmQueue.Task completing = new SlurmQueue.Task(0, "7", "COMPLETING");
        SlurmQueue.Task pending = new SlurmQueue.Task(0, "7", "PENDING");
        assertEquals("RUNNING", SlurmQueue.join("RUNNING", Optional.of(fresh), running, now));
        assertEquals("STOPPING", SlurmQueue.join("RUNNING", Optional.of(fresh), completing, now));
        assertEquals("STOPPING", SlurmQueue.join("RUNNING", Optional.of(fresh), gone, now));
        assertEquals(
                "KILLED",
                SlurmQueue.join("RUNNING", Optional.of(status(RunState.RUNNING, now.minusSeconds(15))), gone, now));
        assertEquals("KILLED", SlurmQueue.join("KILLED", Optional.of(stale), gone, now));
        assertEquals("PENDING", SlurmQueue.join("KILLED", Optional.of(stale), pending, now));
        assertEquals("PENDING", SlurmQueue.join("NOT_STARTED", Optional.empty(), pending, now));
        assertEquals(
                "COMPLETED", SlurmQueue.join("COMPLETED", Optional.of(status(RunState.COMPLETED, now)), pending, now));
    }

    @Test
    void withoutSbatchTheSlurmExecutorIsOneLine() {
        SweepException e =
                assertThrows(SweepException.class, () -> SlurmExecutor.requireSbatch(dir.toString() + ":/nonexistent"));
        assertTrue(e.getMessage().startsWith("--executor slurm: sbatch not found on PATH; "), e.getMessage());
        assertEquals(1, e.getMessage().lines().count());
    }

    private static RunStatus status(RunState state, Instant beat) {
        return new RunStatus(state, "tiny", 1, "elsewhere", beat, beat, 5, 10, Optional.empty());
    }
}

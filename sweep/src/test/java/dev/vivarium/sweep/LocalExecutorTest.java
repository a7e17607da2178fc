package dev.vivarium.sweep;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vivarium.store.run.RunDir;
import dev.vivarium.store.run.RunState;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The local executor on a real three-point sweep (two learning rates that train, one that diverges, batched
 * into one population): each point an ordinary run, a failure recorded without stopping the others, and a
 * second pass that trains only what is not done, each point alone — the run directories are the truth.
 */
class LocalExecutorTest {
    @TempDir
    Path dir;

    private final ByteArrayOutputStream notes = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(notes, true, StandardCharsets.UTF_8);

    private Path spec(String lrs) throws IOException {
        Files.copy(
                Path.of("src/test/resources/local/tiny.yaml"),
                dir.resolve("tiny.yaml"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        String text =
                Files.readString(Path.of("src/test/resources/local/lr.yaml")).replace("[0.001, 0.003, 1.0e+30]", lrs);
        return Files.writeString(dir.resolve("lr.yaml"), text);
    }

    @Test
    void pointsAreRunsAFailureStaysLocalAndASecondPassTrainsOnlyWhatIsNotDone() throws IOException {
        Path spec = spec("[0.001, 0.003, 1.0e+30]");
        Path sweeps = dir.resolve("sweeps");
        List<PointRunner.Outcome> first = LocalExecutor.run(spec, sweeps, List::of, out);
        assertEquals(3, first.size());
        assertEquals(RunState.COMPLETED, first.get(0).state(), first.get(0).message());
        assertEquals(RunState.COMPLETED, first.get(1).state(), first.get(1).message());
        assertEquals(RunState.FAILED, first.get(2).state());
        // the three points differ only in train.lr: one population, whose diverging member fails alone
        assertTrue(
                notes.toString(StandardCharsets.UTF_8).contains("batching 3 points into one population (train.lr"),
                notes.toString(StandardCharsets.UTF_8));
        assertTrue(
                first.get(2).message().startsWith("diverged at step 2: loss is NaN (member 2 of a population of 3"),
                first.get(2).message());
        for (PointRunner.Outcome o : first) {
            assertEquals(o.point().id(), o.run().getFileName().toString(), "a point's run is named by its id");
            assertEquals(o.state(), RunDir.open(o.run()).readStatus().state(), "an ordinary run directory");
        }
        Path sweepDir = sweeps.resolve("lr");
        List<String> index = Files.readAllLines(sweepDir.resolve(SweepFolder.INDEX));
        assertEquals("id\tstate\trun\toverrides", index.get(0));
        assertEquals(
                first.get(0).point().id() + "\tCOMPLETED\truns/"
                        + first.get(0).point().id() + "\ttrain.lr=0.001",
                index.get(1));
        assertTrue(index.get(3).contains("\tFAILED\t"), index.get(3));

        // a grown axis: the old points keep their ids and their files; only the new point trains
        byte[] before = Files.readAllBytes(first.get(0).run().resolve("metrics.jsonl"));
        Path grown = spec("[0.001, 0.003, 1.0e+30, 0.01]");
        List<PointRunner.Outcome> second = LocalExecutor.run(grown, sweeps, List::of, out);
        assertEquals(4, second.size());
        assertEquals("skipped: completed before", second.get(0).message());
        assertEquals("skipped: completed before", second.get(1).message());
        assertEquals(RunState.FAILED, second.get(2).state(), "a failed point is tried again, and fails again");
        assertTrue(
                second.get(2).message().startsWith("training diverged at step 2: the loss is"),
                "tried again alone: " + second.get(2).message());
        assertEquals(RunState.COMPLETED, second.get(3).state());
        assertEquals(first.get(0).point().id(), second.get(0).point().id());
        assertArrayEquals(before, Files.readAllBytes(second.get(0).run().resolve("metrics.jsonl")));

        // the report reads the runs: states, and one metric per point with the axis as a column
        List<SweepReport.Row> rows = SweepReport.rows(sweepDir);
        assertEquals(List.of("train.lr"), SweepReport.axes(rows));
        assertEquals(
                List.of("COMPLETED", "COMPLETED", "FAILED", "COMPLETED"),
                rows.stream().map(SweepReport.Row::state).toList());
        String csv = SweepReport.csv(rows, "train_loss", SweepReport.Reduce.MIN);
        List<String> lines = csv.lines().toList();
        assertEquals("id,state,train.lr,train_loss_min", lines.get(0));
        var log = new dev.vivarium.store.run.MetricLog(first.get(0).run().resolve("metrics.jsonl")).read();
        double min = log.stream().mapToDouble(r -> r.get("train_loss")).min().orElseThrow();
        assertEquals(
                first.get(0).point().id() + ",COMPLETED,0.001," + min, lines.get(1), "the minimum of the logged rows");
        double last = log.get(log.size() - 1).get("test_acc");
        assertEquals(OptionalDouble.of(last), SweepReport.metric(rows.get(0), "test_acc", SweepReport.Reduce.FINAL));
    }

    @Test
    void aKilledPointIsResumedNotRestarted() throws IOException {
        Path spec = spec("[0.001]");
        Path sweeps = dir.resolve("sweeps");
        PointRunner.Outcome done =
                LocalExecutor.run(spec, sweeps, List::of, out).get(0);
        RunDir run = RunDir.open(done.run());
        byte[] weights = Files.readAllBytes(run.checkpointFile(30));
        run.updateStatus(s -> s.withState(RunState.KILLED, Optional.of("test")));
        PointRunner.Outcome again =
                LocalExecutor.run(spec, sweeps, List::of, out).get(0);
        assertEquals(RunState.COMPLETED, again.state());
        assertTrue(
                notes.toString(StandardCharsets.UTF_8)
                        .contains("resuming run " + done.point().id() + " from the checkpoint of step 30"),
                notes.toString(StandardCharsets.UTF_8));
        assertArrayEquals(weights, Files.readAllBytes(run.checkpointFile(30)), "nothing was retrained");
    }
}

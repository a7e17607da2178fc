package dev.vivarium.app.cmd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vivarium.core.recipe.RecipeLoader;
import dev.vivarium.sweep.PointId;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code vivarium sweep SPEC --dry-run}, run without a terminal. */
class SweepCommandTest {
    private static final Path RECIPE = Path.of("../recipes/grokking-quick.yaml");

    @Test
    void dryRunPrintsEachPointsIdAndOverrides() {
        String[] r = Cli.run("sweep", "../recipes/sweeps/grokking-phase.yaml", "--dry-run");
        assertEquals("0", r[0], r[2]);
        List<String> lines = r[1].lines().toList();
        assertEquals(27, lines.size());
        List<String> first = List.of(
                "train.steps=3000",
                "train.stopAtTestAcc=0.99",
                "train.weightDecay=0",
                "task.trainFraction=0.3",
                "seed=0");
        String id = PointId.of(RecipeLoader.load(RECIPE, first));
        assertEquals(id + "  " + String.join(" ", first), lines.get(0));
        List<String> last = List.of(
                "train.steps=3000",
                "train.stopAtTestAcc=0.99",
                "train.weightDecay=1.0",
                "task.trainFraction=0.5",
                "seed=2");
        assertEquals(PointId.of(RecipeLoader.load(RECIPE, last)) + "  " + String.join(" ", last), lines.get(26));
    }

    @Test
    void aBadSpecIsOneLineAndExitCodeTwo(@TempDir Path dir) throws Exception {
        Path spec = Files.writeString(
                dir.resolve("bad.yaml"), "recipe: " + RECIPE.toAbsolutePath() + "\nsweep: {grid: {train.lr: []}}\n");
        String[] r = Cli.run("sweep", spec.toString(), "--dry-run");
        assertEquals("2", r[0]);
        assertEquals("", r[1]);
        assertEquals("error: " + spec + ": sweep.grid.train.lr: empty; an axis needs at least one value\n", r[2]);
    }

    @Test
    void withoutDryRunItTrainsThePointsAndSaysWhichDidNotComplete(@org.junit.jupiter.api.io.TempDir Path dir)
            throws java.io.IOException {
        Path tiny = Path.of("../sweep/src/test/resources/local/tiny.yaml")
                .toAbsolutePath()
                .normalize();
        Path spec = Files.writeString(
                dir.resolve("lrs.yaml"), "recipe: " + tiny + "\nsweep: {grid: {train.lr: [0.001, 1.0e+30]}}\n");
        Path sweeps = dir.resolve("sweeps");
        String[] r = Cli.run("sweep", spec.toString(), "--sweeps", sweeps.toString());
        assertEquals("1", r[0], r[2]);
        assertTrue(r[1].contains("{COMPLETED=1, FAILED=1} of 2 points"), r[1]);
        assertEquals(
                "error: 1 of 2 points did not complete; their reasons are in " + sweeps.resolve("lrs/points.tsv")
                        + " and above (continue with: vivarium sweep resume " + sweeps.resolve("lrs") + ")\n",
                r[2]);
        String[] again = Cli.run("sweep", spec.toString(), "--sweeps", sweeps.toString());
        assertEquals("1", again[0]);
        assertEquals(3, Files.readAllLines(sweeps.resolve("lrs/points.tsv")).size(), "a header and two points");
        String[] status = Cli.run("sweep", "status", sweeps.resolve("lrs").toString());
        assertEquals("0", status[0], status[2]);
        assertTrue(status[1].contains("COMPLETED    step 30       train.lr=0.001"), status[1]);
        assertTrue(status[1].endsWith("2 points: {COMPLETED=1, FAILED=1}\n"), status[1]);
        String[] withMetric = Cli.run("sweep", "status", sweeps.resolve("lrs").toString(), "--metric", "train_loss");
        double last = new dev.vivarium.store.run.MetricLog(sweeps.resolve("lrs/runs")
                        .resolve(status[1].substring(0, 12))
                        .resolve("metrics.jsonl"))
                .last()
                .orElseThrow()
                .get("train_loss");
        assertTrue(
                withMetric[1].contains(String.format(java.util.Locale.ROOT, "train_loss %-10.4g", last)),
                "the last logged train_loss " + last + " in " + withMetric[1]);
        String[] table = Cli.run("sweep", "table", sweeps.resolve("lrs").toString(), "--metric", "test_acc");
        assertEquals("0", table[0], table[2]);
        assertTrue(table[1].startsWith("id,state,train.lr,test_acc_final\n"), table[1]);
        String[] bad = Cli.run("sweep", "table", sweeps.resolve("lrs").toString(), "--metric", "x", "--reduce", "mean");
        assertEquals("error: --reduce mean: must be final, min or max\n", bad[2]);
    }

    @Test
    void byDefaultThePointsArePopulationsAndNoBatchTrainsEachAlone(@TempDir Path dir) throws Exception {
        Path tiny = Path.of("../sweep/src/test/resources/local/tiny.yaml")
                .toAbsolutePath()
                .normalize();
        Path spec = Files.writeString(
                dir.resolve("lrs.yaml"), "recipe: " + tiny + "\nsweep: {grid: {train.lr: [0.001, 1.0e+30]}}\n");
        String diverging = dev.vivarium.sweep.Sweep.points(spec).get(1).id();
        for (boolean batch : new boolean[] {true, false}) {
            Path sweeps = dir.resolve(batch ? "batched" : "alone");
            String[] r = batch
                    ? Cli.run("sweep", spec.toString(), "--sweeps", sweeps.toString())
                    : Cli.run("sweep", spec.toString(), "--sweeps", sweeps.toString(), "--no-batch");
            assertEquals("1", r[0], r[2]);
            assertTrue(r[1].contains("{COMPLETED=1, FAILED=1} of 2 points"), r[1]);
            String why = dev.vivarium.store.run.RunDir.open(
                            sweeps.resolve("lrs/runs").resolve(diverging))
                    .readStatus()
                    .message()
                    .orElseThrow();
            assertEquals(batch, why.contains("member 1 of a population of 2"), why);
        }
        Path alone = dir.resolve("alone/lrs");
        String[] again = Cli.run("sweep", "resume", alone.toString(), "--no-batch");
        assertEquals("1", again[0], again[2]);
        assertTrue(again[1].contains("{COMPLETED=1, FAILED=1} of 2 points"), again[1]);
    }
}

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
        List<String> first = List.of("train.steps=3000", "train.weightDecay=0", "task.trainFraction=0.3", "seed=0");
        String id = PointId.of(RecipeLoader.load(RECIPE, first));
        assertEquals(id + "  " + String.join(" ", first), lines.get(0));
        List<String> last = List.of("train.steps=3000", "train.weightDecay=1.0", "task.trainFraction=0.5", "seed=2");
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
    void withoutDryRunNothingTrainsAndTheLineSaysSo() {
        String[] r = Cli.run("sweep", "../recipes/sweeps/grokking-phase.yaml");
        assertEquals("2", r[0]);
        assertTrue(
                r[2].startsWith("error: ../recipes/sweeps/grokking-phase.yaml: training a sweep is not available"
                        + " yet; use --dry-run"),
                r[2]);
    }
}

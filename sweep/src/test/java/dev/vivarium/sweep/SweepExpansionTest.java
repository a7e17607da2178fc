package dev.vivarium.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.vivarium.core.recipe.Recipe;
import dev.vivarium.core.recipe.RecipeLoader;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SweepExpansionTest {
    @TempDir
    Path dir;

    @Test
    void gridTimesZipTimesSeedsIsTheProductInOrder() {
        Path file = Fixtures.spec(
                dir,
                """
                set: {train.steps: 20}
                sweep:
                  grid: {train.weightDecay: [0, 1.0], task.trainFraction: [0.3, 0.5]}
                  zip: {model.dModel: [16, 32], model.dMlp: [32, 64]}
                  seeds: [4, 7]
                """);
        SweepSpec spec = SpecReader.read(file);
        List<List<String>> expanded = spec.expand();
        assertEquals(2 * 2 * 2 * 2, expanded.size());
        assertEquals(16, spec.size());
        assertEquals(
                List.of(
                        "train.steps=20",
                        "train.weightDecay=0",
                        "task.trainFraction=0.3",
                        "model.dModel=16",
                        "model.dMlp=32",
                        "seed=4"),
                expanded.get(0));
        assertEquals(
                List.of(
                        "train.steps=20",
                        "train.weightDecay=0",
                        "task.trainFraction=0.3",
                        "model.dModel=16",
                        "model.dMlp=32",
                        "seed=7"),
                expanded.get(1));
        assertEquals(
                List.of(
                        "train.steps=20",
                        "train.weightDecay=0",
                        "task.trainFraction=0.3",
                        "model.dModel=32",
                        "model.dMlp=64",
                        "seed=4"),
                expanded.get(2));
        assertEquals(
                List.of(
                        "train.steps=20",
                        "train.weightDecay=0",
                        "task.trainFraction=0.5",
                        "model.dModel=16",
                        "model.dMlp=32",
                        "seed=4"),
                expanded.get(4));
        assertEquals(
                List.of(
                        "train.steps=20",
                        "train.weightDecay=1.0",
                        "task.trainFraction=0.3",
                        "model.dModel=16",
                        "model.dMlp=32",
                        "seed=4"),
                expanded.get(8));
        assertEquals(
                List.of(
                        "train.steps=20",
                        "train.weightDecay=1.0",
                        "task.trainFraction=0.5",
                        "model.dModel=32",
                        "model.dMlp=64",
                        "seed=7"),
                expanded.get(15));
    }

    @Test
    void aCountOfSeedsMeansZeroToCountMinusOne() {
        Path file = Fixtures.spec(dir, "sweep: {seeds: 3}\n");
        assertEquals(
                List.of(List.of("seed=0"), List.of("seed=1"), List.of("seed=2")),
                SpecReader.read(file).expand());
    }

    @Test
    void eachPointIsTheRecipeWithItsOverridesAppliedByCore() {
        Path file = Fixtures.spec(
                dir,
                """
                sweep:
                  grid: {train.weightDecay: [0, 0.3]}
                  zip: {model.dModel: [16, 32], model.dMlp: [32, 64]}
                  seeds: 2
                """);
        List<Point> points = Sweep.points(file);
        assertEquals(8, points.size());
        Point p = points.get(7);
        assertEquals(List.of("train.weightDecay=0.3", "model.dModel=32", "model.dMlp=64", "seed=1"), p.overrides());
        Recipe r = p.recipe();
        assertEquals(1, r.seed());
        assertEquals(0.3, r.train().weightDecay());
        Recipe direct = RecipeLoader.load(dir.resolve("tiny.yaml"), p.overrides());
        assertEquals(RecipeLoader.toYaml(direct), RecipeLoader.toYaml(r));
    }
}

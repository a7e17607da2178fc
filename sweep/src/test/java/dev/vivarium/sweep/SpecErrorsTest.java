package dev.vivarium.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every bad spec is refused before anything trains, with one line naming the spec file, the key and the point. */
class SpecErrorsTest {
    @TempDir
    Path dir;

    private void refused(String sweepBlock, String expected) {
        Path file = Fixtures.spec(dir, sweepBlock);
        SweepException e = assertThrows(SweepException.class, () -> Sweep.points(file));
        String message = e.getMessage().replace(dir.toString() + "/", "");
        assertFalse(message.contains("\n"), message);
        assertEquals(expected, message);
    }

    @Test
    void anUnknownKeyIsCoresErrorPrefixedWithTheSpecTheAxisAndThePoint() {
        refused(
                "sweep: {grid: {train.lr: [0.001], train.foo: [1]}}\n",
                "spec.yaml: sweep.grid.train.foo, point 0 (train.lr=0.001 train.foo=1): --set train.foo=1: unknown"
                        + " field 'train.foo' (value 1); allowed here: adversarial, batchSize, betas, checkpoints,"
                        + " decay, eps, evalBatch, freeze, logEvery, lr, momentum, objective, optimizer, steps,"
                        + " stopAtTestAcc, warmupSteps, weightDecay");
    }

    @Test
    void aValueTheRecipeRejectsNamesThePointAndItsOverrides() {
        refused(
                "sweep: {grid: {train.lr: [0.001, -1]}}\n",
                "spec.yaml: sweep.grid.train.lr, point 1 (train.lr=-1): --set train.lr=-1: train.lr: must be a"
                        + " positive number, got -1.0");
        refused(
                "sweep: {random: {n: 20, seed: 1, axes: {model.act: {choice: [relu, gelu, swish]}}}}\n",
                "spec.yaml: sweep.random.axes.model.act, point 0 (model.act=swish): --set model.act=swish:"
                        + " model.act: value 'swish' is not a valid value; allowed: relu, gelu");
        // no single override is to blame: the combination is, so the message names all of them
        refused(
                "sweep: {zip: {model.dModel: [16, 30], model.nHeads: [4, 4]}}\n",
                "spec.yaml: point 1 (model.dModel=30 model.nHeads=4): tiny.yaml: model.dHead: not given and dModel"
                        + " 30 is not divisible by nHeads 4; set dHead");
    }

    @Test
    void twoPointsWithOneConfigAreDuplicates() {
        refused(
                "sweep: {grid: {train.weightDecay: [1.0, 0.5, 1]}}\n",
                "spec.yaml: points 0 (train.weightDecay=1.0) and 2 (train.weightDecay=1) resolve to the same config"
                        + " (id "
                        + Sweep.points(Fixtures.spec(dir, "set: {train.weightDecay: 1}\nsweep: {seeds: [0]}\n"))
                                .get(0)
                                .id()
                        + "); drop one of the values that make them");
    }

    @Test
    void emptyAxesAreRefused() {
        refused(
                "sweep: {grid: {train.lr: []}}\n",
                "spec.yaml: sweep.grid.train.lr: empty; an axis needs at least one value");
        refused(
                "sweep: {zip: {model.dModel: []}}\n",
                "spec.yaml: sweep.zip.model.dModel: empty; an axis needs at least one value");
        refused("sweep: {seeds: []}\n", "spec.yaml: sweep.seeds: empty; an axis needs at least one value");
        refused("sweep: {seeds: 0}\n", "spec.yaml: sweep.seeds: 0; a count of seeds is at least 1");
        refused(
                "sweep: {random: {n: 2, seed: 1, axes: {}}}\n",
                "spec.yaml: sweep.random.axes: empty; name at least one key and its distribution");
        refused(
                "sweep: {random: {n: 2, seed: 1, axes: {model.act: {choice: []}}}}\n",
                "spec.yaml: sweep.random.axes.model.act: choice: empty; list at least one value");
        refused("sweep: {}\n", "spec.yaml: sweep: empty; give at least one of grid, zip, random, seeds");
    }

    @Test
    void zipListsOfUnequalLengthsNameTheKeysAndLengths() {
        refused(
                "sweep: {zip: {model.dModel: [16, 32], model.dMlp: [32, 64, 128]}}\n",
                "spec.yaml: sweep.zip: the lists advance together, so they need equal lengths; model.dModel has 2,"
                        + " model.dMlp has 3");
    }

    @Test
    void badDistributionBoundsAreRefused() {
        refused(
                "sweep: {random: {n: 2, seed: 1, axes: {train.lr: {loguniform: [0, 1e-2]}}}}\n",
                "spec.yaml: sweep.random.axes.train.lr: loguniform: [0.0, 0.01] needs finite bounds with 0 < lo < hi");
        refused(
                "sweep: {random: {n: 2, seed: 1, axes: {train.lr: {loguniform: [1e-2, 1e-4]}}}}\n",
                "spec.yaml: sweep.random.axes.train.lr: loguniform: [0.01, 1.0E-4] needs finite bounds with 0 < lo"
                        + " < hi");
        refused(
                "sweep: {random: {n: 2, seed: 1, axes: {train.weightDecay: {uniform: [1, 1]}}}}\n",
                "spec.yaml: sweep.random.axes.train.weightDecay: uniform: [1.0, 1.0] needs finite bounds with lo <"
                        + " hi");
        refused(
                "sweep: {random: {n: 2, seed: 1, axes: {train.lr: {uniform: [0]}}}}\n",
                "spec.yaml: sweep.random.axes.train.lr: [0] is not [lo, hi]; give two numbers");
        refused(
                "sweep: {random: {n: 2, seed: 1, axes: {train.lr: {normal: [0, 1]}}}}\n",
                "spec.yaml: sweep.random.axes.train.lr: {\"normal\":[0,1]} is not a distribution; give one of"
                        + " {loguniform: [lo, hi]}, {uniform: [lo, hi]}, {choice: [a, b, ...]}");
        refused(
                "sweep: {random: {n: 0, seed: 1, axes: {train.lr: {uniform: [0, 1]}}}}\n",
                "spec.yaml: sweep.random.n: 0; the number of draws is at least 1");
    }

    @Test
    void malformedSpecsAreRefused() {
        refused("sweep: {seed: 3}\n", "spec.yaml: unknown field 'sweep.seed'; allowed here: grid, random, seeds, zip");
        refused(
                "sweep: {grid: {train.lr: 0.1}}\n",
                "spec.yaml: sweep.grid.train.lr: 0.1 is not a list; an axis lists its values, for example [0, 0.3,"
                        + " 1.0]");
        refused(
                "sweep: {grid: {train.lr: [0.1]}, random: {n: 2, seed: 1, axes: {train.lr: {uniform: [0, 1]}}}}\n",
                "spec.yaml: train.lr is set in both sweep.grid and sweep.random; a key belongs to one part of the"
                        + " spec");
        refused("sweep: {seeds: [1, 1]}\n", "spec.yaml: sweep.seeds: [1, 1] repeats a seed; each seed once");
        refused(
                "sweep: {grid: {train.lr: [0.1, 0.1]}}\n",
                "spec.yaml: sweep.grid.train.lr: [0.1, 0.1] repeats a value; each value once");
    }

    @Test
    void aMissingRecipeIsNamedWithTheSpec() throws Exception {
        Path file = Files.writeString(dir.resolve("spec.yaml"), "recipe: nowhere.yaml\nsweep: {seeds: 2}\n");
        SweepException e = assertThrows(SweepException.class, () -> Sweep.points(file));
        assertEquals(
                "spec.yaml: recipe: nowhere.yaml: no such recipe file",
                e.getMessage().replace(dir.toString() + "/", ""));
        Path none = dir.resolve("absent.yaml");
        assertEquals(
                "absent.yaml: no such sweep spec file",
                assertThrows(SweepException.class, () -> Sweep.points(none))
                        .getMessage()
                        .replace(dir.toString() + "/", ""));
    }

    @Test
    void aSweepPastTheLimitIsRefusedBeforeExpanding() {
        String fifty = java.util.stream.IntStream.range(0, 50)
                .mapToObj(Integer::toString)
                .collect(java.util.stream.Collectors.joining(", ", "[", "]"));
        refused(
                "sweep: {grid: {train.steps: " + fifty + ", train.warmupSteps: " + fifty + "}, seeds: 50}\n",
                "spec.yaml: 125000 points; a sweep has at most 100000 (split it, or shorten an axis)");
        refused(
                "sweep: {random: {n: 2000000000, seed: 1, axes: {train.lr: {uniform: [0, 1]}}}, seeds: 1000000}\n",
                "spec.yaml: 2000000000000000 points; a sweep has at most 100000 (split it, or shorten an axis)");
    }

    @Test
    void keysAndFilesThatAreNotWhatASpecNeeds() throws Exception {
        refused(
                "sweep: {grid: {train.lr=: [0.1]}}\n",
                "spec.yaml: sweep.grid: 'train.lr=' is not a recipe key; a key is a dotted path such as train.lr");
        refused(
                "sweep: {seeds: 2}\n---\nsweep: {seeds: 3}\n",
                "spec.yaml: a second YAML document starts at line 4; a sweep spec is one document");
        Path folder = Files.createDirectory(dir.resolve("folder.yaml"));
        assertEquals(
                "folder.yaml: not a regular file; a sweep spec is a YAML file",
                assertThrows(SweepException.class, () -> Sweep.points(folder))
                        .getMessage()
                        .replace(dir.toString() + "/", ""));
        Path latin1 = Files.write(dir.resolve("latin1.yaml"), new byte[] {'r', ':', ' ', (byte) 0xe9, '\n'});
        assertEquals(
                "latin1.yaml: not UTF-8 text; a sweep spec is a YAML file",
                assertThrows(SweepException.class, () -> Sweep.points(latin1))
                        .getMessage()
                        .replace(dir.toString() + "/", ""));
    }
}

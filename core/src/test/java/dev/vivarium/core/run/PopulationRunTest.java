package dev.vivarium.core.run;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vivarium.core.recipe.Recipe;
import dev.vivarium.core.recipe.RecipeLoader;
import dev.vivarium.store.run.RunDir;
import dev.vivarium.store.run.RunState;
import dev.vivarium.store.safetensors.Safetensors;
import dev.vivarium.store.safetensors.SafetensorsFile;
import dev.vivarium.store.safetensors.Tensor;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A population trained as one computation is its members' separate runs: the same final weights (1e-5 relative
 * per tensor) and metric rows (1e-5 relative per value) as each member trained alone by {@link Experiment}; one
 * member is the single run bit for bit; a member that diverges fails alone; a population killed with SIGKILL and
 * resumed ends with the weights of an uninterrupted one, bit for bit; a member's checkpoint loads into the
 * TransformerLens-shaped PyTorch model.
 */
class PopulationRunTest {
    private static final PrintStream QUIET = new PrintStream(java.io.OutputStream.nullOutputStream());

    @TempDir
    Path root;

    /** Four grokking-style members: seeds, learning rates, weight decays and warm-ups all differ. */
    private static final List<List<String>> FOUR = List.of(
            List.of("seed=0", "train.lr=1e-3", "train.weightDecay=1.0"),
            List.of("seed=1", "train.lr=3e-3", "train.weightDecay=0.5", "train.warmupSteps=0"),
            List.of("seed=2", "train.lr=2e-3", "train.weightDecay=0.1"),
            List.of("seed=3", "train.lr=1e-3", "train.weightDecay=0.0", "train.warmupSteps=30"));

    private static Recipe member(List<String> base, List<String> own) {
        List<String> all = new ArrayList<>(base);
        all.addAll(own);
        return RecipeLoader.load(TestRuns.recipe("tiny-modular.yaml"), all);
    }

    private List<PopulationRun.Member> members(String folder, List<String> base, List<List<String>> own) {
        List<PopulationRun.Member> ms = new ArrayList<>();
        for (int i = 0; i < own.size(); i++) {
            ms.add(new PopulationRun.Member(
                    member(base, own.get(i)), root.resolve(folder).resolve("m" + i)));
        }
        return ms;
    }

    @Test
    void everyMemberEqualsItsSeparateRun() throws Exception {
        for (List<String> base : List.of(
                List.of("train.steps=100", "train.logEvery=10", "train.checkpoints=4"), // minibatches of 64
                List.of("train.steps=60", "train.logEvery=10", "train.checkpoints=3", "train.batchSize=null"))) {
            String tag = base.size() > 3 ? "full" : "mini";
            List<PopulationRun.Member> pop = members("pop-" + tag, base, FOUR);
            List<RunState> states = PopulationRun.start(pop, QUIET);
            assertEquals(
                    List.of(RunState.COMPLETED, RunState.COMPLETED, RunState.COMPLETED, RunState.COMPLETED), states);
            for (int i = 0; i < FOUR.size(); i++) {
                RunDir alone =
                        Experiment.start(pop.get(i).recipe(), root, Optional.of("alone-" + tag + i), List.of(), QUIET);
                RunDir inPop = RunDir.open(pop.get(i).dir());
                long last = pop.get(i).recipe().train().steps();
                assertEquals(alone.checkpointSteps(), inPop.checkpointSteps(), "checkpoint steps of member " + i);
                assertTensorsClose(alone.checkpointFile(last), inPop.checkpointFile(last), 1e-5, tag + " member " + i);
                assertTensorsClose(alone.optimizerFile(last), inPop.optimizerFile(last), 1e-5, tag + " optimizer " + i);
                assertRowsClose(alone.metricsFile(), inPop.metricsFile(), 1e-5, tag + " member " + i);
                assertEquals(
                        Files.readString(alone.configFile()),
                        Files.readString(inPop.configFile()),
                        "config of member " + i);
                assertArrayEquals(
                        Files.readAllBytes(alone.splitFile()), Files.readAllBytes(inPop.splitFile()), "split " + i);
            }
        }
    }

    @Test
    void oneMemberIsTheSingleRunBitForBit() throws Exception {
        List<String> base = List.of("train.steps=60", "train.logEvery=10", "train.checkpoints=3");
        List<PopulationRun.Member> pop = members("one", base, List.of(FOUR.get(1)));
        PopulationRun.start(pop, QUIET);
        RunDir alone = Experiment.start(pop.get(0).recipe(), root, Optional.of("alone"), List.of(), QUIET);
        RunDir inPop = RunDir.open(pop.get(0).dir());
        for (long step : alone.checkpointSteps()) {
            assertTensorsClose(alone.checkpointFile(step), inPop.checkpointFile(step), 0, "step " + step);
            assertTensorsClose(alone.optimizerFile(step), inPop.optimizerFile(step), 0, "optimizer step " + step);
        }
        assertEquals(TestRuns.withoutWallTime(alone.metricsFile()), TestRuns.withoutWallTime(inPop.metricsFile()));
    }

    @Test
    void aDivergingMemberFailsAloneAndTheOthersAreUnchanged() throws Exception {
        List<String> base = List.of("train.steps=60", "train.logEvery=10", "train.checkpoints=3");
        List<List<String>> own =
                List.of(FOUR.get(0), List.of("seed=9", "train.lr=1e30", "train.warmupSteps=0"), FOUR.get(2));
        List<PopulationRun.Member> pop = members("nan", base, own);
        List<RunState> states = PopulationRun.start(pop, QUIET);
        assertEquals(List.of(RunState.COMPLETED, RunState.FAILED, RunState.COMPLETED), states);
        String why = RunDir.open(pop.get(1).dir()).readStatus().message().orElse("");
        assertTrue(why.contains("diverged at step") && why.contains("the others went on"), why);
        for (int i : new int[] {0, 2}) {
            RunDir alone = Experiment.start(pop.get(i).recipe(), root, Optional.of("alone" + i), List.of(), QUIET);
            RunDir inPop = RunDir.open(pop.get(i).dir());
            assertTensorsClose(alone.checkpointFile(60), inPop.checkpointFile(60), 1e-5, "member " + i);
            assertRowsClose(alone.metricsFile(), inPop.metricsFile(), 1e-5, "member " + i);
        }
    }

    @Test
    void refusesMembersThatDifferInAnythingButTheirOwnFields() {
        List<String> base = List.of("train.steps=60");
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> PopulationRun.start(
                        members("bad", base, List.of(List.of("seed=0"), List.of("seed=1", "model.dMlp=48"))), QUIET));
        assertTrue(e.getMessage().contains("model.dMlp"), e.getMessage());
        assertTrue(!Files.exists(root.resolve("bad")), "nothing is written for a refused population");
    }

    @Test
    void theCompatibilityKeyIsWhatRequireCompatibleAccepts() {
        List<String> base = List.of("train.steps=60");
        Recipe first = member(base, List.of("seed=0"));
        String key = PopulationRun.compatibilityKey(first).orElseThrow();
        for (List<String> own : List.of(
                FOUR.get(1),
                List.of("train.stopAtTestAcc=0.9", "task.trainFraction=0.6", "name=other", "description=x"))) {
            Recipe r = member(base, own);
            assertEquals(Optional.of(key), PopulationRun.compatibilityKey(r), own.toString());
            PopulationRun.requireCompatible(List.of(first, r));
        }
        for (String shared : List.of("model.dMlp=48", "train.steps=61", "threads=2", "train.batchSize=16")) {
            Recipe r = member(base, List.of("seed=1", shared));
            assertTrue(!PopulationRun.compatibilityKey(r).orElseThrow().equals(key), shared);
            IllegalArgumentException e = assertThrows(
                    IllegalArgumentException.class, () -> PopulationRun.requireCompatible(List.of(first, r)));
            String field = shared.substring(0, shared.indexOf('='));
            assertTrue(e.getMessage().contains("differs from member 0 in " + field), e.getMessage());
        }
        Recipe fineTune = first.withInit(new dev.vivarium.core.recipe.Init("/parent", Optional.empty(), false, null));
        assertEquals(Optional.empty(), PopulationRun.compatibilityKey(fineTune), "a fine-tune trains alone");
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> PopulationRun.requireCompatible(List.of(fineTune)));
        assertTrue(e.getMessage().startsWith("init: a fine-tune trains alone"), e.getMessage());
        assertTrue(PopulationRun.fits(List.of(first, first)), "two tiny members fit");
    }

    @Test
    void killedPopulationResumesToTheUninterruptedWeights() throws Exception {
        List<String> base = List.of("train.steps=400", "train.logEvery=5", "train.checkpoints=40");
        List<List<String>> own = List.of(FOUR.get(0), FOUR.get(1), FOUR.get(2));
        List<PopulationRun.Member> whole = members("whole", base, own);
        PopulationRun.start(whole, QUIET);

        List<PopulationRun.Member> killed = members("killed", base, own);
        List<String> args =
                new ArrayList<>(List.of(TestRuns.recipe("tiny-modular.yaml").toString()));
        args.add(String.join(",", base));
        for (PopulationRun.Member m : killed) {
            args.add(m.dir().toString() + "=" + String.join(",", own.get(killed.indexOf(m))));
        }
        Path log = root.resolve("child.log");
        Process child = KillablePopulation.spawn(log, args.toArray(String[]::new));
        Path probe = killed.get(2).dir().resolve("checkpoints");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (System.nanoTime() < deadline) {
            if (Files.isDirectory(probe)) {
                try (var files = Files.list(probe)) {
                    if (files.count() >= 14) {
                        break;
                    }
                }
            }
            Thread.sleep(20);
        }
        child.destroyForcibly(); // SIGKILL
        assertTrue(child.waitFor(30, TimeUnit.SECONDS));
        RunState before = RunDir.open(killed.get(0).dir())
                .effectiveStatus(java.time.Duration.ZERO)
                .state();
        assertTrue(before != RunState.COMPLETED, "the child finished before it was killed: " + Files.readString(log));

        List<RunState> states = PopulationRun.resume(
                killed.stream().map(PopulationRun.Member::dir).toList(), QUIET);
        assertEquals(List.of(RunState.COMPLETED, RunState.COMPLETED, RunState.COMPLETED), states);
        for (int i = 0; i < own.size(); i++) {
            RunDir a = RunDir.open(whole.get(i).dir());
            RunDir b = RunDir.open(killed.get(i).dir());
            assertTensorsClose(a.checkpointFile(400), b.checkpointFile(400), 0, "member " + i);
            assertEquals(TestRuns.withoutWallTime(a.metricsFile()), TestRuns.withoutWallTime(b.metricsFile()));
        }
    }

    @Test
    void aMembersCheckpointLoadsIntoPyTorch() throws Exception {
        CheckpointInTorchTest.requireTorch();
        List<String> base = List.of("train.steps=30", "model.nLayers=2", "model.bias=true", "model.layerNorm=true");
        List<PopulationRun.Member> pop = members("torch", base, List.of(FOUR.get(0), FOUR.get(1)));
        PopulationRun.start(pop, QUIET);
        for (PopulationRun.Member m : pop) {
            CheckpointInTorchTest.assertSameLogitsInTorch(
                    m.recipe(),
                    RunDir.open(m.dir()).checkpointFile(30),
                    root,
                    m.dir().toString());
        }
    }

    /** Every tensor of two safetensors files: same names and shapes, values within {@code rel} of the largest. */
    static void assertTensorsClose(Path expected, Path actual, double rel, String what) throws Exception {
        SafetensorsFile a = Safetensors.read(expected);
        SafetensorsFile b = Safetensors.read(actual);
        assertEquals(a.tensors().keySet(), b.tensors().keySet(), what);
        for (Map.Entry<String, Tensor> e : a.tensors().entrySet()) {
            Tensor x = e.getValue();
            Tensor y = b.tensors().get(e.getKey());
            assertArrayEquals(x.shape(), y.shape(), what + " " + e.getKey());
            if (rel == 0 || x.dtype() != dev.vivarium.store.safetensors.DType.F32) {
                assertEquals(x.data(), y.data(), what + ": " + e.getKey() + " differs");
                continue;
            }
            float[] u = x.toFloats();
            float[] v = y.toFloats();
            double max = 0;
            double diff = 0;
            for (int i = 0; i < u.length; i++) {
                if (Float.isFinite(u[i])) {
                    max = Math.max(max, Math.abs(u[i]));
                }
                if (u[i] != v[i]) { // TransformerLens's IGNORE buffer is -inf in both
                    diff = Math.max(diff, Math.abs(u[i] - v[i]));
                }
            }
            assertTrue(
                    diff <= rel * Math.max(max, 1e-12),
                    what + ": " + e.getKey() + " differs by " + diff + " of " + max);
        }
    }

    /** Two metric logs: the same rows and columns (wall time aside), every value within {@code rel} relative. */
    static void assertRowsClose(Path expected, Path actual, double rel, String what) throws Exception {
        List<Map<String, Double>> a = TestRuns.withoutWallTime(expected);
        List<Map<String, Double>> b = TestRuns.withoutWallTime(actual);
        assertEquals(a.size(), b.size(), what + ": rows");
        for (int r = 0; r < a.size(); r++) {
            assertEquals(
                    List.copyOf(a.get(r).keySet()), List.copyOf(b.get(r).keySet()), what + ": columns of row " + r);
            for (Map.Entry<String, Double> e : a.get(r).entrySet()) {
                double x = e.getValue();
                double y = b.get(r).get(e.getKey());
                assertTrue(
                        Math.abs(x - y) <= rel * Math.max(Math.abs(x), 1e-6),
                        what + ": row " + r + " " + e.getKey() + " " + x + " vs " + y);
            }
        }
    }
}

package dev.vivarium.core.run;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vivarium.core.recipe.Recipe;
import dev.vivarium.core.recipe.RecipeException;
import dev.vivarium.core.recipe.RecipeLoader;
import dev.vivarium.core.train.TrainListener;
import dev.vivarium.core.train.Trainer;
import dev.vivarium.store.run.RunDir;
import dev.vivarium.store.run.RunState;
import dev.vivarium.store.safetensors.Safetensors;
import dev.vivarium.store.safetensors.SafetensorsFile;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A fine-tune ({@code init:}) starts from its parent's checkpoint exactly, records where it came from, never
 * writes into its parent's directory, and resumes like any run.
 */
class FineTuneTest {
    private static final PrintStream QUIET = new PrintStream(OutputStream.nullOutputStream());
    private static final List<String> SMALL = List.of("train.steps=30", "train.checkpoints=4", "train.logEvery=10");

    @TempDir
    static Path runs;

    private static RunDir parent;

    @BeforeAll
    static void trainParent() throws IOException {
        Recipe r = RecipeLoader.load(TestRuns.recipe("tiny-modular.yaml"), SMALL);
        parent = Experiment.start(r, runs, Optional.of("parent"), List.of(), QUIET);
    }

    private static Recipe child(String... more) {
        List<String> o = new ArrayList<>(SMALL);
        o.addAll(List.of("task.op=sub", "train.steps=20", "init={run: parent, step: 30}"));
        o.addAll(List.of(more));
        return RecipeLoader.load(TestRuns.recipe("tiny-modular.yaml"), o);
    }

    @Test
    void aFineTuneNeverWritesIntoItsParentsDirectory() throws Exception {
        Map<String, String> before = hashes(parent.root());
        List<Path> all;
        try (Stream<Path> s = Files.walk(parent.root())) {
            all = s.toList();
        }
        all.forEach(p -> p.toFile().setWritable(false, false)); // root ignores this; the hashes are the proof
        try {
            Experiment.start(child(), runs, Optional.of("child-ro"), List.of(), QUIET);
            Experiment.start(child("init.optimizer=true"), runs, Optional.of("child-ro-opt"), List.of(), QUIET);
        } finally {
            all.forEach(p -> p.toFile().setWritable(true, false));
        }
        assertEquals(before, hashes(parent.root()), "the parent's files (names and SHA-256) are unchanged");
        assertThrows(
                IllegalArgumentException.class,
                () -> Experiment.start(
                        child("init.run=" + parent.root()), parent.root(), Optional.of("inside"), List.of(), QUIET),
                "a fine-tune may not be made inside its parent's directory");
        assertFalse(Files.exists(parent.root().resolve("inside")));
        assertEquals(before, hashes(parent.root()));
    }

    @Test
    void startsFromTheParentsWeightsAndRecordsItsProvenance() throws Exception {
        RunDir child = Experiment.start(child(), runs, Optional.of("child"), List.of(), QUIET);
        assertEquals(RunState.COMPLETED, child.readStatus().state());
        SafetensorsFile from = Safetensors.read(parent.checkpointFile(30));
        SafetensorsFile start = Safetensors.read(child.checkpointFile(0));
        SafetensorsFile end = Safetensors.read(child.checkpointFile(20));
        for (String name : from.tensors().keySet()) {
            assertArrayEquals(
                    from.tensors().get(name).bytes(), start.tensors().get(name).bytes(), name);
        }
        assertFalse(
                java.util.Arrays.equals(
                        from.tensors().get("embed.W_E").bytes(),
                        end.tensors().get("embed.W_E").bytes()),
                "training moved the weights");

        String sha = sha256(Files.readAllBytes(parent.checkpointFile(30)));
        Recipe recorded = RecipeLoader.load(child.configFile(), List.of());
        assertEquals(parent.root().toString(), recorded.init().orElseThrow().run());
        assertEquals(Optional.of(30L), recorded.init().get().step());
        assertEquals(Optional.of(sha), recorded.init().get().sha256());
        assertEquals("parent", end.metadata().get("init_run"));
        assertEquals("30", end.metadata().get("init_step"));
        assertEquals(sha, end.metadata().get("init_sha256"));
        assertEquals("20", end.metadata().get("updates"), "weights only: the optimizer starts fresh");
    }

    @Test
    void carriesTheOptimizerStateAndResumesLikeAnyRun() throws Exception {
        RunDir whole = Experiment.start(child("init.optimizer=true"), runs, Optional.of("opt-whole"), List.of(), QUIET);
        SafetensorsFile parentOpt = Safetensors.read(parent.optimizerFile(30));
        SafetensorsFile childOpt = Safetensors.read(whole.optimizerFile(0));
        assertEquals(parentOpt.tensors().keySet(), childOpt.tensors().keySet());
        for (String name : parentOpt.tensors().keySet()) {
            assertArrayEquals(
                    parentOpt.tensors().get(name).bytes(),
                    childOpt.tensors().get(name).bytes(),
                    name);
        }
        assertEquals("30", childOpt.metadata().get("updates"));
        assertEquals("50", Safetensors.read(whole.optimizerFile(20)).metadata().get("updates"));

        TrainListener stopAt7 = new TrainListener() {
            @Override
            public void onStep(Trainer trainer, long step) {
                if (step == 7) {
                    trainer.requestStop();
                }
            }
        };
        RunDir cut =
                Experiment.start(child("init.optimizer=true"), runs, Optional.of("opt-cut"), List.of(stopAt7), QUIET);
        assertEquals(RunState.KILLED, cut.readStatus().state());
        Experiment.resume(cut.root(), List.of(), QUIET);
        assertEquals(RunState.COMPLETED, cut.readStatus().state());
        SafetensorsFile a = Safetensors.read(whole.checkpointFile(20));
        SafetensorsFile b = Safetensors.read(cut.checkpointFile(20));
        for (String name : a.tensors().keySet()) {
            assertArrayEquals(
                    a.tensors().get(name).bytes(), b.tensors().get(name).bytes(), name + " after resume");
        }
    }

    @Test
    void refusesAParentOfAnotherArchitectureOrAMissingCheckpoint() {
        RecipeException shape = assertThrows(
                RecipeException.class,
                () -> Experiment.start(child("model.dModel=16"), runs, Optional.of("bad-shape"), List.of(), QUIET));
        assertTrue(shape.getMessage().contains("model.dModel was 32 and is now 16"), shape.getMessage());
        RecipeException step = assertThrows(
                RecipeException.class,
                () -> Experiment.start(child("init.step=29"), runs, Optional.of("bad-step"), List.of(), QUIET));
        assertTrue(step.getMessage().startsWith("init.step: run "), step.getMessage());
        assertTrue(step.getMessage().contains("no checkpoint of step 29"), step.getMessage());
        RecipeException sum = assertThrows(
                RecipeException.class,
                () -> Experiment.start(
                        child("init.sha256=" + "ab".repeat(32)), runs, Optional.of("bad-sum"), List.of(), QUIET));
        assertTrue(sum.getMessage().startsWith("init.sha256: "), sum.getMessage());
        RecipeException field = assertThrows(RecipeException.class, () -> child("init.stepp=3"));
        assertTrue(field.getMessage().contains("unknown field 'init.stepp'"), field.getMessage());
        assertFalse(Files.exists(runs.resolve("bad-shape")), "nothing is written for a refused fine-tune");
    }

    private static Map<String, String> hashes(Path dir) throws IOException {
        Map<String, String> h = new TreeMap<>();
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.toList()) {
                h.put(dir.relativize(p).toString(), Files.isRegularFile(p) ? sha256(Files.readAllBytes(p)) : "dir");
            }
        }
        return h;
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}

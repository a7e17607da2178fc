package dev.vivarium.app.cmd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vivarium.store.run.RunDir;
import dev.vivarium.store.run.RunState;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code vivarium run} of a recipe with a {@code population:} block makes one folder with a run directory per
 * member; {@code runs} lists the members as {@code <folder>/<member>}, {@code show} finds one, and {@code resume}
 * of the folder continues the members that did not complete (here: one whose status says KILLED at its last
 * checkpoint) to the weights it had (to 1e-5: resumed alone, its products are plain ones, not batched).
 */
class PopulationCommandTest {
    @TempDir
    Path dir;

    @Test
    void runListShowAndResumeAPopulation() throws Exception {
        Path recipe = dir.resolve("pop.yaml");
        String base = Files.readString(Path.of("../core/src/test/resources/recipes/tiny-modular.yaml"));
        Files.writeString(recipe, base + "population:\n  seed: [0, 1, 2]\n");
        Path runs = dir.resolve("runs");
        String[] r = Cli.run(
                "run",
                recipe.toString(),
                "--runs",
                runs.toString(),
                "--out",
                runs.resolve("pop").toString(),
                "--set",
                "train.steps=40",
                "--set",
                "train.checkpoints=3");
        assertEquals("0", r[0], r[1] + r[2]);
        Path folder = runs.resolve("pop");
        assertTrue(Files.isRegularFile(folder.resolve("population.json")));
        List<String> members = List.of("m00", "m01", "m02");
        for (String m : members) {
            RunDir run = RunDir.open(folder.resolve(m));
            assertEquals(RunState.COMPLETED, run.readStatus().state());
            assertEquals(40.0, run.metrics().last().orElseThrow().get("step"));
            assertTrue(Files.readString(run.configFile()).contains("seed: " + members.indexOf(m)));
        }
        String[] list = Cli.run("runs", "--runs", runs.toString());
        for (String m : members) {
            assertTrue(list[1].contains("pop/" + m + " "), list[1]);
        }
        assertTrue(Cli.run("show", "pop/m01", "--runs", runs.toString())[1].startsWith("m01  COMPLETED"));

        // member 1 as a killed run at step 12: its later checkpoints and rows gone, its status KILLED
        RunDir m1 = RunDir.open(folder.resolve("m01"));
        Map<String, dev.vivarium.store.safetensors.Tensor> finalWeights =
                dev.vivarium.store.safetensors.Safetensors.read(m1.checkpointFile(40))
                        .tensors();
        List<Map<String, Double>> rows = m1.metrics().read();
        for (long s : m1.checkpointSteps()) {
            if (s > 12) {
                Files.delete(m1.checkpointFile(s));
                Files.delete(m1.optimizerFile(s));
            }
        }
        m1.metrics().truncateAfter(12);
        m1.metrics().close();
        m1.updateStatus(s -> s.withState(RunState.KILLED, java.util.Optional.of("test")));
        String[] resumed = Cli.run("resume", folder.toString(), "--runs", runs.toString());
        assertEquals("0", resumed[0], resumed[1] + resumed[2]);
        assertEquals(
                RunState.COMPLETED,
                RunDir.open(folder.resolve("m01")).readStatus().state());
        var after = dev.vivarium.store.safetensors.Safetensors.read(m1.checkpointFile(40))
                .tensors();
        for (String n : List.of("embed.W_E", "blocks.0.attn.W_Q", "blocks.0.mlp.W_in", "unembed.W_U")) {
            float[] a = finalWeights.get(n).toFloats();
            float[] b = after.get(n).toFloats();
            double max = 0;
            double diff = 0;
            for (int j = 0; j < a.length; j++) {
                max = Math.max(max, Math.abs(a[j]));
                diff = Math.max(diff, Math.abs(a[j] - b[j]));
            }
            // resumed alone (one member: plain products) where it had trained in a batch of three
            assertTrue(diff <= 1e-5 * max, n + ": resumed weights differ by " + diff + " of " + max);
        }
        assertEquals(
                rows.size(), RunDir.open(folder.resolve("m01")).metrics().read().size());
    }
}

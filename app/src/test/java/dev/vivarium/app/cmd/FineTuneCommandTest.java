package dev.vivarium.app.cmd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vivarium.core.recipe.Recipe;
import dev.vivarium.core.recipe.RecipeLoader;
import dev.vivarium.store.safetensors.Safetensors;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code vivarium run} of a fine-tune: {@code init.run} is found as any RUN is, and recorded absolute. */
class FineTuneCommandTest {
    private static final String TINY =
            """
            name: %s
            seed: 3
            threads: 1
            %s
            task: {kind: modular, p: 11, op: %s, trainFraction: 0.5}
            model: {kind: transformer, nLayers: 1, dModel: 16, nHeads: 2, dMlp: 32}
            train: {steps: 6, logEvery: 3, checkpoints: 2}
            """;

    @TempDir
    Path dir;

    @Test
    void initRunIsAnIdPrefixUnderRunsAndIsRecordedAbsolute() throws Exception {
        Path runs = dir.resolve("runs");
        Path parentRecipe = Files.writeString(dir.resolve("parent.yaml"), TINY.formatted("parent", "", "add"));
        String[] p = Cli.run(
                "run",
                parentRecipe.toString(),
                "--runs",
                runs.toString(),
                "--out",
                runs.resolve("parent-run").toString());
        assertEquals("0", p[0], p[2]);

        Path childRecipe =
                Files.writeString(dir.resolve("child.yaml"), TINY.formatted("child", "init: {run: parent-r}", "sub"));
        String[] c = Cli.run(
                "run",
                childRecipe.toString(),
                "--runs",
                runs.toString(),
                "--out",
                runs.resolve("child-run").toString());
        assertEquals("0", c[0], c[2]);
        Recipe recorded = RecipeLoader.load(runs.resolve("child-run/config.yaml"), List.of());
        assertEquals(
                runs.resolve("parent-run").toAbsolutePath().toString(),
                recorded.init().orElseThrow().run());
        assertEquals(6L, recorded.init().get().step().orElseThrow(), "the parent's newest checkpoint");
        assertEquals(
                "parent-run",
                Safetensors.read(runs.resolve("child-run/checkpoints/step_00000006.safetensors"))
                        .metadata()
                        .get("init_run"));

        Path missing =
                Files.writeString(dir.resolve("missing.yaml"), TINY.formatted("missing", "init: {run: nope}", "sub"));
        String[] m = Cli.run("run", missing.toString(), "--runs", runs.toString());
        assertEquals("2", m[0]);
        assertTrue(m[2].strip().startsWith("error: " + missing + ": init.run: no run 'nope' under "), m[2]);
    }
}

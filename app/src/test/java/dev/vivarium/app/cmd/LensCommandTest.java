package dev.vivarium.app.cmd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vivarium.core.recipe.RecipeLoader;
import dev.vivarium.core.run.Experiment;
import dev.vivarium.store.run.RunDir;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code vivarium lens}, run without a terminal on a tiny trained run. */
class LensCommandTest {
    static final String RECIPE =
            """
      name: lens-cli
      seed: 2
      threads: 1
      task: {kind: modular, p: 11, op: add, trainFraction: 0.5}
      model: {kind: transformer, nLayers: 1, dModel: 16, nHeads: 2, dMlp: 32, bias: false}
      train: {lr: 3.0e-3, steps: 20, logEvery: 10, checkpoints: 2}
      """;

    @Test
    void writesAnalysesIntoTheRunAndNamesWhatIsAllowed(@TempDir Path runs) throws Exception {
        RunDir r = Experiment.start(
                RecipeLoader.parse(RECIPE, "lens-cli.yaml", List.of()), runs, Optional.of("tiny"), List.of());
        String[] ok = Cli.run("lens", "tiny", "--runs", runs.toString(), "--checkpoint", "0", "spectra", "fourier");
        assertEquals("0", ok[0], ok[2]);
        assertTrue(ok[1].contains("wrote 2 file(s)"), ok[1]);
        assertTrue(Files.isRegularFile(r.analysesDir().resolve("spectra/step_00000000.json")));
        assertTrue(Files.isRegularFile(r.analysesDir().resolve("fourier/step_00000000.json")));

        String[] bad = Cli.run("lens", "tiny", "--runs", runs.toString(), "spectrum");
        assertEquals("2", bad[0]);
        assertTrue(bad[2].contains("unknown analysis 'spectrum'; allowed: fourier, spectra"), bad[2]);
    }
}

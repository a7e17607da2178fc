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
        assertTrue(ok[1].contains("wrote 4 file(s)"), ok[1]);
        for (String f : List.of("spectra/step_00000000", "fourier/step_00000000")) {
            assertTrue(Files.isRegularFile(r.analysesDir().resolve(f + ".json")), f);
            assertTrue(Files.isRegularFile(r.analysesDir().resolve(f + ".png")), f);
        }

        String[] untrained = Cli.run("lens", "tiny", "--runs", runs.toString(), "--checkpoint", "-1", "fourier");
        assertEquals("2", untrained[0], untrained[1]);
        assertEquals(
                "error: --checkpoint -1: run tiny has no checkpoint at that step; its checkpoints are at steps "
                        + r.checkpointSteps(),
                untrained[2].strip());
        assertTrue(Files.notExists(r.analysesDir().resolve("fourier/step_-0000001.json")));

        String[] help = Cli.run("lens", "--help");
        for (dev.vivarium.lens.run.Analysis a : dev.vivarium.lens.run.Analysis.values()) {
            assertTrue(help[1].contains(a.cliName()), "--help lists " + a.cliName() + ":\n" + help[1]);
        }

        String[] bad = Cli.run("lens", "tiny", "--runs", runs.toString(), "spectrum");
        assertEquals("2", bad[0]);
        assertTrue(bad[2].contains("unknown analysis 'spectrum'; allowed: fourier, spectra"), bad[2]);

        String[] variant = Cli.run("lens", "tiny", "--runs", runs.toString(), "--sae-variant", "jumprelu", "sae");
        assertEquals("2", variant[0], variant[1]);
        assertEquals("error: --sae-variant jumprelu: unknown; allowed: relu, topk", variant[2].strip());
        String[] k = Cli.run("lens", "tiny", "--runs", runs.toString(), "--sae-k", "0", "sae");
        assertEquals("2", k[0], k[1]);
        assertEquals("error: --sae-k 0: must be at least 1", k[2].strip());

        String[] sae = Cli.run(
                "lens",
                "tiny",
                "--runs",
                runs.toString(),
                "--sae-steps",
                "30",
                "--sae-expansion",
                "1",
                "--sae-k",
                "2",
                "sae");
        assertEquals("0", sae[0], sae[2]);
        assertTrue(sae[1].contains("wrote 2 file(s)"), sae[1]);
        long last = r.checkpointSteps().get(r.checkpointSteps().size() - 1);
        com.fasterxml.jackson.databind.JsonNode json = new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(r.analysesDir()
                        .resolve(String.format("sae/step_%08d.json", last))
                        .toFile());
        assertEquals(32, json.get("d_sae").asInt()); // --sae-expansion 1 on dMlp 32
        double l0 = json.get("l0").asDouble();
        assertTrue(l0 > 0 && l0 <= 2.0 + 1e-9, "--sae-k 2 keeps at most 2 latents a row: L0 " + l0);
        assertEquals(30, json.get("options").get("steps").asInt());
        assertTrue(Files.isRegularFile(
                r.analysesDir().resolve(String.format("sae/step_%08d/sae_weights.safetensors", last))));
    }
}

package dev.vivarium.lens.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vivarium.core.recipe.Recipe;
import dev.vivarium.core.recipe.RecipeLoader;
import dev.vivarium.core.run.Experiment;
import dev.vivarium.store.run.RunDir;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunAnalysesTest {
    static final String RECIPE =
            """
      name: lens-test
      seed: 1
      threads: 1
      task: {kind: modular, p: 23, op: add, trainFraction: 0.5}
      model: {kind: transformer, nLayers: 1, dModel: 32, nHeads: 2, dMlp: 64, act: relu, bias: false}
      train: {lr: 3.0e-3, weightDecay: 1.0, betas: [0.9, 0.98], steps: 200, logEvery: 50, checkpoints: 4}
      lens: [fourier, spectra, sharpness, attention, logit-lens, attribution, cka, progress]
      """;

    @TempDir
    static Path runs;

    static RunDir run;
    static Recipe recipe;

    @BeforeAll
    static void train() throws Exception {
        recipe = RecipeLoader.parse(RECIPE, "lens-test.yaml", List.of());
        LensListener lens =
                LensListener.forRecipe(recipe, new PrintStream(LOG, true)).orElseThrow();
        run = Experiment.start(recipe, runs, Optional.of("lens-test"), List.of(lens));
    }

    static final ByteArrayOutputStream LOG = new ByteArrayOutputStream();

    @Test
    void theRecipeLensBlockRunsEveryAnalysisAtEveryCheckpointWhileTraining() throws Exception {
        assertEquals(
                Optional.of(List.of(
                        "fourier",
                        "spectra",
                        "sharpness",
                        "attention",
                        "logit-lens",
                        "attribution",
                        "cka",
                        "progress")),
                recipe.lens());
        assertTrue(Files.readString(run.configFile()).contains("lens:"), "the resolved config keeps the block");
        String log = LOG.toString();
        assertFalse(log.contains("failed"), log);
        List<Long> steps = run.checkpointSteps();
        for (long step : steps) {
            for (String a :
                    List.of("fourier", "spectra", "sharpness", "attention", "logit-lens", "attribution", "cka")) {
                Path p = run.analysesDir().resolve(LensRun.perStep(a, step));
                assertTrue(Files.size(p) > 0, p.toString());
                assertTrue(
                        log.contains("lens: " + a + " at step " + step + " "),
                        a + " at " + step + " in the log:\n" + log);
            }
        }
        // after training, the command line re-analyses a checkpoint on demand
        List<Path> again = RunAnalyses.run(run.root(), List.of("cka"), Optional.of(steps.get(0)), false, System.out);
        Path ckaJson = run.analysesDir().resolve(LensRun.perStep("cka", steps.get(0)));
        assertEquals(List.of(ckaJson, ckaJson.resolveSibling(String.format("step_%08d.png", steps.get(0)))), again);
        for (String a : List.of("fourier", "spectra", "attention", "logit-lens", "attribution", "cka")) {
            Path png = run.analysesDir().resolve(LensRun.perStep(a, last(steps)).replace(".json", ".png"));
            assertTrue(javax.imageio.ImageIO.read(png.toFile()).getWidth() > 300, "a picture beside " + png);
        }
        ObjectMapper json = new ObjectMapper();
        long last = steps.get(steps.size() - 1);
        JsonNode fourier = json.readTree(
                run.analysesDir().resolve(LensRun.perStep("fourier", last)).toFile());
        assertFalse(fourier.get("key_frequencies").isEmpty());
        // the keys are what the stated rule gives on the neurons the same file lists
        int[] cluster = new int[23 / 2 + 1];
        for (int j = 0; j < fourier.get("neuron_best_frequency").size(); j++) {
            if (fourier.get("neuron_variance_explained").get(j).asDouble() >= 0.5) {
                cluster[fourier.get("neuron_best_frequency").get(j).asInt()]++;
            }
        }
        java.util.Set<Integer> want = new java.util.TreeSet<>();
        for (int k = 1; k < cluster.length; k++) {
            if (cluster[k] >= Math.ceil(0.02 * 64)) {
                want.add(k);
            }
        }
        java.util.Set<Integer> got = new java.util.TreeSet<>();
        fourier.get("key_frequencies").forEach(k -> got.add(k.asInt()));
        assertEquals(want, got);
        assertEquals("all p^2 inputs", fourier.get("restricted_loss_subset").asText());
        assertEquals("train", fourier.get("excluded_loss_subset").asText());
        assertEquals(last, fourier.get("key_frequencies_from_step").asLong());
        JsonNode sharp = json.readTree(
                run.analysesDir().resolve(LensRun.perStep("sharpness", last)).toFile());
        assertTrue(sharp.get("top_hessian_eigenvalue").asDouble() > 0);
        JsonNode cka = json.readTree(
                run.analysesDir().resolve(LensRun.perStep("cka", last)).toFile());
        assertEquals(1.0, cka.get("linear").get(1).get(1).asDouble(), 1e-12);
        assertEquals(
                1.0,
                cka.get("linear_to_last_checkpoint").get(1).asDouble(),
                1e-12,
                "the last checkpoint against itself");
        JsonNode ckaFirst = json.readTree(
                run.analysesDir().resolve(LensRun.perStep("cka", steps.get(0))).toFile());
        assertTrue(
                ckaFirst.get("linear_to_last_checkpoint").get(1).asDouble() < 1, "training changed the representation");

        List<String> table = Files.readAllLines(run.analysesDir().resolve("progress.csv"));
        assertEquals(steps.size() + 1, table.size());
        assertEquals(
                "step,train_loss,test_loss,train_acc,test_acc,restricted_loss,excluded_loss,gini_embed,gini_neuron_logit,weight_norm",
                table.get(0));
        // the table's train loss is the one the training log recorded at the last step
        double logged = run.metrics().read().stream()
                .filter(r -> r.get("step") == last)
                .findFirst()
                .orElseThrow()
                .get("train_loss");
        assertEquals(logged, Double.parseDouble(table.get(table.size() - 1).split(",")[1]), 1e-4 * logged);
        JsonNode progress =
                json.readTree(run.analysesDir().resolve("progress.json").toFile());
        assertEquals(fourier.get("key_frequencies"), progress.get("key_frequencies"));
    }

    @Test
    void nonFiniteWeightsAreRefusedNamingTheTensor(@TempDir Path copy) throws Exception {
        // a copy of the run whose last checkpoint has one NaN in the embedding
        Path dir = copy.resolve("poisoned");
        Files.createDirectories(dir.resolve("checkpoints"));
        Files.copy(run.configFile(), dir.resolve(run.configFile().getFileName()));
        long step = last(run.checkpointSteps());
        Path file = run.checkpointFile(step);
        var st = dev.vivarium.store.safetensors.Safetensors.read(file);
        var tensors = new java.util.LinkedHashMap<>(st.tensors());
        float[] wE = tensors.get("embed.W_E").toFloats();
        wE[3] = Float.NaN;
        tensors.put(
                "embed.W_E",
                dev.vivarium.store.safetensors.Tensor.ofFloats(
                        tensors.get("embed.W_E").shape(), wE));
        Path poisoned = dir.resolve("checkpoints").resolve(file.getFileName());
        dev.vivarium.store.safetensors.Safetensors.write(poisoned, tensors, st.metadata());
        java.io.IOException e = assertThrows(
                java.io.IOException.class,
                () -> RunAnalyses.run(dir, List.of("fourier"), Optional.empty(), false, System.out));
        assertEquals(
                poisoned + ": tensor embed.W_E holds NaN at flat index 3; a checkpoint must be finite", e.getMessage());
    }

    static long last(List<Long> steps) {
        return steps.get(steps.size() - 1);
    }

    @Test
    void errorsNameWhatIsAllowed() throws Exception {
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> RunAnalyses.run(run.root(), List.of("fourrier"), Optional.empty(), false, System.out));
        assertTrue(e.getMessage().contains("allowed: fourier, spectra"), e.getMessage());
        e = assertThrows(
                IllegalArgumentException.class, () -> RunAnalyses.validate(Optional.of(List.of("spectra", "ckaa"))));
        assertTrue(e.getMessage().startsWith("lens: unknown analysis 'ckaa'; allowed: "), e.getMessage());
        List<Long> steps = run.checkpointSteps();
        for (long bad : new long[] {7, -1}) {
            e = assertThrows(
                    IllegalArgumentException.class,
                    () -> RunAnalyses.run(run.root(), List.of("spectra"), Optional.of(bad), false, System.out));
            assertEquals(
                    "--checkpoint " + bad
                            + ": run lens-test has no checkpoint at that step; its checkpoints are at steps " + steps,
                    e.getMessage());
        }
        assertFalse(Files.exists(run.analysesDir().resolve("spectra/step_-0000001.json")));
    }
}

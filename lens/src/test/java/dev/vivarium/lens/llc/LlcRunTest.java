package dev.vivarium.lens.llc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vivarium.core.recipe.Recipe;
import dev.vivarium.core.recipe.RecipeLoader;
import dev.vivarium.core.run.Experiment;
import dev.vivarium.lens.run.RunAnalyses;
import dev.vivarium.store.run.RunDir;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code lens RUN llc} on a tiny real run: a finite estimate at every checkpoint, the documented fields. */
class LlcRunTest {
    static final String RECIPE =
            """
      name: llc-test
      seed: 1
      threads: 1
      task: {kind: modular, p: 23, op: add, trainFraction: 0.5}
      model: {kind: transformer, nLayers: 1, dModel: 32, nHeads: 2, dMlp: 64, act: relu, bias: false}
      train: {lr: 3.0e-3, weightDecay: 1.0, betas: [0.9, 0.98], steps: 100, logEvery: 50, checkpoints: 3}
      """;

    @TempDir
    Path runs;

    @Test
    void everyCheckpointGetsAFiniteEstimateWithTheDocumentedFields() throws Exception {
        Recipe recipe = RecipeLoader.parse(RECIPE, "llc-test.yaml", List.of());
        RunDir run = Experiment.start(recipe, runs, Optional.of("llc-test"), List.of());
        LlcOptions o = new LlcOptions(1e-4, 100, OptionalDouble.empty(), 2, 30, 10, 64, 0);
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        List<Path> files = LlcAnalysis.with(
                new LlcAnalysis.Settings(o, Optional.empty()),
                () -> RunAnalyses.run(run.root(), List.of("llc"), Optional.empty(), false, new PrintStream(log, true)));
        Path json = run.analysesDir().resolve("llc.json");
        assertEquals(List.of(json, run.analysesDir().resolve("llc.png")), files);
        assertTrue(Files.size(files.get(1)) > 0);
        JsonNode root = new ObjectMapper().readTree(json.toFile());
        for (String field :
                List.of("run", "last_step", "analysis", "definition", "subset", "examples", "parameters", "options")) {
            assertTrue(root.has(field), field);
        }
        JsonNode opts = root.get("options");
        for (String field :
                List.of("lr", "gamma", "n", "nbeta", "beta", "chains", "draws", "burnin", "batch", "seed")) {
            assertTrue(opts.has(field), field);
        }
        int n = root.get("examples").asInt();
        assertEquals(n, opts.get("n").asInt());
        assertEquals(1 / Math.log(n), opts.get("beta").asDouble(), 1e-12);
        List<Long> steps = run.checkpointSteps();
        JsonNode rows = root.get("checkpoints");
        assertEquals(steps.size(), rows.size());
        for (int i = 0; i < steps.size(); i++) {
            JsonNode r = rows.get(i);
            assertEquals((long) steps.get(i), r.get("step").asLong());
            assertTrue(Double.isFinite(r.get("llc").asDouble()) && r.get("llc").isNumber(), r.toString());
            assertTrue(r.get("se").isNumber(), "se");
            assertEquals(2, r.get("per_chain").size());
            assertEquals(0, r.get("diverged_chains").size());
            assertTrue(r.get("init_loss").isNumber());
            assertEquals(2, r.get("loss_traces").size());
            assertEquals(40, r.get("loss_traces").get(0).size());
        }
        assertTrue(log.toString().contains("llc: LLC (n beta"), log.toString());

        // --checkpoint STEP: that checkpoint only
        LlcAnalysis.with(
                new LlcAnalysis.Settings(o, Optional.of(steps.get(0))),
                () -> RunAnalyses.run(
                        run.root(), List.of("llc"), Optional.of(steps.get(0)), false, new PrintStream(log, true)));
        JsonNode one = new ObjectMapper().readTree(json.toFile()).get("checkpoints");
        assertEquals(1, one.size());
        assertEquals((long) steps.get(0), one.get(0).get("step").asLong());
    }
}

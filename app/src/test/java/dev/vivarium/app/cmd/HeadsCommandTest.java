package dev.vivarium.app.cmd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vivarium.core.recipe.RecipeLoader;
import dev.vivarium.core.run.Experiment;
import dev.vivarium.store.run.MetricLog;
import dev.vivarium.store.run.RunDir;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code vivarium lens RUN heads} on a tiny induction run: one row per checkpoint, and at the last checkpoint the
 * analysis's repeat and first-half losses (its own per-token computation over every repeated held-out sequence)
 * equal what training logged as {@code test_loss_repeat} and {@code test_loss_first} (the trainer's pooled score
 * groups); on a run of another task it is a one-line error.
 */
class HeadsCommandTest {
    static final String RECIPE =
            """
      name: heads-cli
      seed: 3
      threads: 1
      task: {kind: induction, vocab: 10, prefixLen: 5, minPrefix: 3, branching: 10, repeatFraction: 0.5,
             samples: 200, testSamples: 60}
      model: {kind: transformer, nLayers: 2, dModel: 16, nHeads: 2, dHead: 8, attnOnly: true}
      train: {lr: 3.0e-3, steps: 30, batchSize: 32, logEvery: 10, checkpoints: 6}
      """;

    @Test
    void scoresEveryCheckpointAndAgreesWithTheLoggedGroupLosses(@TempDir Path runs) throws Exception {
        RunDir r = Experiment.start(
                RecipeLoader.parse(RECIPE, "heads-cli.yaml", List.of()), runs, Optional.of("ind"), List.of());
        String[] out = Cli.run("lens", "ind", "--runs", runs.toString(), "heads");
        assertEquals("0", out[0], out[2]);
        assertTrue(out[1].contains("wrote 2 file(s)"), out[1]);
        JsonNode j = new ObjectMapper()
                .readTree(r.analysesDir().resolve("heads.json").toFile());
        assertEquals(30, j.get("sequences").asInt(), "every repeated held-out sequence: half of 60");
        JsonNode rows = j.get("checkpoints");
        assertEquals(r.checkpointSteps().size(), rows.size());
        JsonNode last = rows.get(rows.size() - 1);
        assertEquals(30, last.get("step").asLong());
        assertEquals(2, last.get("prefix_matching").size());
        assertEquals(2, last.get("prefix_matching").get(1).size());
        Map<String, Double> logged = new MetricLog(r.metricsFile()).last().orElseThrow();
        assertEquals(30.0, logged.get("step"));
        assertEquals(logged.get("test_loss_repeat"), last.get("loss_repeat").asDouble(), 1e-5);
        assertEquals(logged.get("test_loss_first"), last.get("loss_first").asDouble(), 1e-5);
        assertTrue(Files.isRegularFile(r.analysesDir().resolve("heads.png")));
    }

    @Test
    void anotherTasksRunIsRefusedInOneLine(@TempDir Path runs) throws Exception {
        Experiment.start(
                RecipeLoader.parse(LensCommandTest.RECIPE, "lens-cli.yaml", List.of()),
                runs,
                Optional.of("tiny"),
                List.of());
        String[] out = Cli.run("lens", "tiny", "--runs", runs.toString(), "heads");
        assertEquals("2", out[0], out[1] + out[2]);
        assertTrue(out[2].strip().startsWith("error: heads reads induction sequences"), out[2]);
        assertEquals(1, out[2].strip().lines().count(), out[2]);
    }
}

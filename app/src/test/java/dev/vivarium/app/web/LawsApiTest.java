package dev.vivarium.app.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vivarium.laws.predict.Forecast;
import dev.vivarium.laws.predict.Prediction;
import dev.vivarium.laws.predict.PredictionRegistry;
import dev.vivarium.laws.predict.Resolution;
import dev.vivarium.laws.predict.Score;
import dev.vivarium.laws.predict.Target;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code /api/predictions}: a study's ledger, written by the laws module's registry, served as a scoreboard
 * whose scores are the registry's own, with its calibration rows; a damaged ledger is one error line.
 */
class LawsApiTest {
    @TempDir
    Path dir;

    @Test
    void predictionsMatchTheRegistry() throws Exception {
        Path study = Files.createDirectories(dir.resolve("sweeps/studies/teacher"));
        PredictionRegistry reg = new PredictionRegistry(study);
        Target t = new Target("teacher", Map.of("model.width", "16"), "test_loss", Target.Reduction.FINAL);
        Prediction in = reg.register(
                new Prediction.Draft("me", List.of("s"), t, new Forecast.Range(5e-4, 1.3e-3, 0.9), "inside"));
        Prediction out = reg.register(
                new Prediction.Draft("me", List.of("s"), t, new Forecast.Range(1e-3, 2e-3, 0.9), "outside"));
        Prediction open = reg.register(new Prediction.Draft(
                "me", List.of("s"), t, new Forecast.Event(Forecast.Comparison.LT, 0.1, 0.8), "open"));
        Resolution rIn = reg.resolve(in.id(), 7.7e-4, List.of(), true);
        Resolution rOut = reg.resolve(out.id(), 5e-4, List.of(), true);

        JsonNode a = new ObjectMapper().readTree(new Api(new RunCatalog(null, dir.resolve("sweeps"))).predictions());
        JsonNode ledger = a.get("ledgers").get(0);
        assertEquals("studies/teacher", ledger.get("name").asText());
        JsonNode rows = ledger.get("predictions");
        assertEquals(3, rows.size());
        Score sIn = Score.of(in, rIn);
        Score sOut = Score.of(out, rOut);
        assertEquals(in.id(), rows.get(0).get("id").asText());
        assertTrue(rows.get(0).get("hit").asBoolean());
        assertFalse(rows.get(1).get("hit").asBoolean());
        assertEquals(sIn.interval(), rows.get(0).get("interval").asDouble(), 0);
        assertEquals(sOut.interval(), rows.get(1).get("interval").asDouble(), 0);
        assertEquals(7.7e-4, rows.get(0).get("value").asDouble(), 0);
        assertEquals(5e-4, rows.get(0).get("lo").asDouble(), 0);
        assertEquals(0.9, rows.get(0).get("level").asDouble(), 0);
        assertFalse(rows.get(2).has("value"), "an open prediction has no resolved value");
        assertEquals(0.8, rows.get(2).get("probability").asDouble(), 0);
        JsonNode cov = ledger.get("intervalCoverage");
        int count = 0;
        for (JsonNode c : cov) {
            count += c.get("count").asInt();
        }
        assertEquals(2, count);
        assertEquals(0.5, cov.get(0).get("observed").asDouble(), 1e-12);

        Files.writeString(study.resolve(PredictionRegistry.LEDGER), "garbage\n");
        JsonNode bad = new ObjectMapper().readTree(new Api(new RunCatalog(null, dir.resolve("sweeps"))).predictions());
        assertTrue(bad.get("ledgers").get(0).get("error").asText().startsWith("ledger studies/teacher: "));
    }
}

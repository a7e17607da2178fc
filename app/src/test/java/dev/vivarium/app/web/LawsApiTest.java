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

    @Test
    void lawsListsTheStudiesAndSweepsFitsAndAnswersEachByName() throws Exception {
        Path sweeps = Files.createDirectories(dir.resolve("sweeps"));
        LawFixtures.writeStudy(sweeps, "teacher", "teacher-fit");
        LawFixtures.writeSweepFit(sweeps, "grid", "loss");
        Files.writeString(sweeps.resolve("grid/fits/bad.json"), "{\"format\": \"vivarium-fit/1\", \"data\": [");
        Files.writeString(sweeps.resolve("grid/fits/old.json"), "{\"format\": \"other\"}");
        Files.createDirectories(dir.resolve("outside"));
        Files.writeString(dir.resolve("outside/secret.json"), "{}");
        Files.createSymbolicLink(sweeps.resolve("grid/fits/link.json"), dir.resolve("outside/secret.json"));
        LawsApi laws = new LawsApi(new RunCatalog(null, sweeps));

        ObjectMapper m = new ObjectMapper();
        JsonNode list = m.readTree(laws.list()).get("laws");
        List<String> names = new java.util.ArrayList<>();
        list.forEach(n -> names.add(n.get("name").asText()));
        assertEquals(List.of("studies/teacher", "grid/bad", "grid/loss", "grid/old"), names, "no symbolic link");
        JsonNode teacher = list.get(0);
        assertEquals(
                "L(parameters) = A / parameters^alpha + E",
                teacher.get("formula").asText());
        assertEquals(11, teacher.get("points").asInt());
        assertEquals(2, teacher.get("heldout").asInt());
        assertEquals("studies/teacher", teacher.get("ledger").asText(), "the study's ledger is beside its fit");
        assertTrue(
                list.get(1).get("error").asText().startsWith("fit grid/bad (bad.json): not JSON: "),
                list.get(1).toString());
        assertEquals(
                "fit grid/old (old.json): field 'format' is \"other\", expected \"vivarium-fit/1\"",
                list.get(3).get("error").asText());
        assertFalse(list.get(2).has("ledger"));

        assertEquals(
                m.readTree(sweeps.resolve("studies/teacher/fit.json").toFile()),
                m.readTree(laws.law("studies/teacher")));
        for (String bad : new String[] {"../outside/secret", "grid/link", "studies/teacher/../../outside/secret"}) {
            NotFound e = org.junit.jupiter.api.Assertions.assertThrows(NotFound.class, () -> laws.law(bad));
            assertTrue(e.getMessage().startsWith("no fit '" + bad + "'"), e.getMessage());
        }

        // over HTTP, the name's '/' as a path separator
        try (Dashboard d = Dashboard.start(new RunCatalog(null, sweeps), "127.0.0.1", 0)) {
            java.net.http.HttpClient c = java.net.http.HttpClient.newHttpClient();
            java.net.http.HttpResponse<String> ok = c.send(
                    java.net.http.HttpRequest.newBuilder(java.net.URI.create(d.url() + "api/laws/studies/teacher"))
                            .build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            assertEquals(200, ok.statusCode(), ok.body());
            assertEquals(m.readTree(laws.law("studies/teacher")), m.readTree(ok.body()));
            java.net.http.HttpResponse<String> no = c.send(
                    java.net.http.HttpRequest.newBuilder(java.net.URI.create(d.url() + "api/laws/grid/nothing"))
                            .build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            assertEquals(404, no.statusCode(), no.body());
            java.net.http.HttpResponse<String> broken = c.send(
                    java.net.http.HttpRequest.newBuilder(java.net.URI.create(d.url() + "api/laws/grid/bad"))
                            .build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            assertEquals(400, broken.statusCode(), broken.body());
            assertTrue(broken.body().contains("fit grid/bad (bad.json): not JSON"), broken.body());
        }
    }

    @Test
    void aRegistryGivenIsListedBesideTheStudiesAndOnlyOnce() throws Exception {
        Path sweeps = Files.createDirectories(dir.resolve("sweeps"));
        LawFixtures.writeStudy(sweeps, "teacher", "teacher-fit");
        Path mine = Files.createDirectories(dir.resolve("mine"));
        PredictionRegistry reg = new PredictionRegistry(mine);
        Target t = new Target("grok", Map.of(), "test_acc", Target.Reduction.FINAL);
        Prediction p = reg.register(new Prediction.Draft(
                "me", List.of(), t, new Forecast.Event(Forecast.Comparison.GT, 0.9, 0.7), "groks"));
        Resolution r = reg.resolve(p.id(), 0.99, List.of(), true);
        Api api = new Api(new RunCatalog(null, sweeps), List.of(mine, sweeps.resolve("studies/teacher")));
        JsonNode ledgers = new ObjectMapper().readTree(api.predictions()).get("ledgers");
        assertEquals(2, ledgers.size(), "the study's own folder given as a registry is not listed twice");
        assertEquals("studies/teacher", ledgers.get(0).get("name").asText());
        assertEquals("registry " + mine, ledgers.get(1).get("name").asText());
        JsonNode row = ledgers.get(1).get("predictions").get(0);
        assertEquals(p.id(), row.get("id").asText());
        assertEquals(Score.of(p, r).brier(), row.get("brier").asDouble(), 0);
        assertEquals(0.3 * 0.3, row.get("brier").asDouble(), 1e-12, "Brier of p = 0.7 for an event that happened");
        JsonNode cal = ledgers.get(1).get("eventCalibration");
        int n = 0;
        for (JsonNode c : cal) {
            n += c.get("count").asInt();
            if (c.get("count").asInt() > 0) {
                assertEquals(0.7, c.get("stated").asDouble(), 1e-12);
                assertEquals(1.0, c.get("observed").asDouble(), 0);
            }
        }
        assertEquals(1, n);
    }
}

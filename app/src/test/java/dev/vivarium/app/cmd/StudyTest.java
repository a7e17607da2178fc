package dev.vivarium.app.cmd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vivarium.app.study.StudySpec;
import dev.vivarium.laws.predict.Forecast;
import dev.vivarium.laws.predict.Prediction;
import dev.vivarium.laws.predict.PredictionRegistry;
import dev.vivarium.laws.predict.Resolution;
import dev.vivarium.laws.predict.Scores;
import dev.vivarium.store.run.MetricLog;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code vivarium study}: the loop's bookkeeping on a tiny recipe, where how well the law fits does not matter.
 * Every forecast is registered before any held-out run starts; each resolution is the mean over the seeds of
 * the metric read straight from the runs' logs; the interval score is the closed form's; a second pass
 * registers nothing new and resolves nothing again.
 */
class StudyTest {
    @TempDir
    Path dir;

    @Test
    void forecastsAreRegisteredBeforeTheHeldOutRunsAndScoredAgainstThem() throws Exception {
        Path tiny = Path.of("../sweep/src/test/resources/local/tiny.yaml")
                .toAbsolutePath()
                .normalize();
        Files.writeString(
                dir.resolve("fit.yaml"),
                "recipe: " + tiny + "\nset: {train.steps: 40}\nsweep: {grid: {model.dMlp: [4, 8, 16, 32]}}\n");
        Files.writeString(
                dir.resolve("held.yaml"),
                "recipe: " + tiny + "\nset: {train.steps: 40}\nsweep: {grid: {model.dMlp: [48, 64]}, seeds: 2}\n");
        Path study = Files.writeString(
                dir.resolve("tiny-study.yaml"),
                "description: bookkeeping\nfit: {sweep: fit.yaml, law: power, x: parameters, metric: test_loss,"
                        + " reduce: min}\nheldout: {sweep: held.yaml}\nforecast: {level: 0.8, bootstrap: 100}\n");
        Path sweeps = dir.resolve("sweeps");
        String[] r = Cli.run("study", study.toString(), "--sweeps", sweeps.toString());
        assertEquals("0", r[0], r[2]);
        assertTrue(r[1].contains("held-out values fell inside their forecast intervals"), r[1]);

        PredictionRegistry reg = new PredictionRegistry(sweeps.resolve("studies/tiny-study"));
        List<Prediction> predictions = reg.list();
        assertEquals(2, predictions.size(), "one forecast per held-out configuration, not per seed");
        for (Prediction p : predictions) {
            assertTrue(p.tags().contains("study:tiny-study"));
            String dMlp = p.target().config().get("model.dMlp");
            List<Path> runs = runsWith(sweeps.resolve("held/runs"), "dMlp: " + dMlp);
            assertEquals(2, runs.size(), "two seeds of dMlp " + dMlp);
            double sum = 0;
            for (Path run : runs) {
                Instant started = Instant.parse(new ObjectMapper()
                        .readTree(run.resolve("status.json").toFile())
                        .get("startedAt")
                        .asText());
                assertTrue(started.isAfter(p.createdAt()), run + " started before its forecast");
                sum += new MetricLog(run.resolve("metrics.jsonl"))
                        .read().stream()
                                .mapToDouble(m -> m.get("test_loss"))
                                .min()
                                .orElseThrow();
            }
            Resolution res = reg.resolution(p.id()).orElseThrow();
            assertTrue(res.preRegistered());
            assertEquals(sum / 2, res.value(), 1e-12, "the mean over seeds of each run's least test loss");
            Forecast.Range f = (Forecast.Range) p.forecast();
            assertEquals(0.8, f.confidence());
            String line = r[1].lines()
                    .filter(l -> l.contains(p.id().substring(0, 12)))
                    .findFirst()
                    .orElseThrow();
            double score = Scores.interval(f.lo(), f.hi(), f.confidence(), res.value());
            assertTrue(line.contains(String.format(java.util.Locale.ROOT, "interval score %.4g", score)), line);
        }

        String ledger = Files.readString(reg.ledgerFile());
        String[] again = Cli.run("study", study.toString(), "--sweeps", sweeps.toString());
        assertEquals("0", again[0], again[2]);
        assertEquals(ledger, Files.readString(reg.ledgerFile()), "nothing registered or resolved twice");
        assertTrue(Files.size(sweeps.resolve("studies/tiny-study/study.png")) > 1000);

        // fit.json: the held-out points are the resolutions, at the forecasts registered for them
        com.fasterxml.jackson.databind.JsonNode fit = new ObjectMapper()
                .readTree(sweeps.resolve("studies/tiny-study/fit.json").toFile());
        assertEquals("vivarium-fit/1", fit.get("format").asText());
        assertEquals("y(parameters) = A / parameters^alpha", fit.get("formula").asText());
        assertEquals("fit", fit.get("about").get("fitSweep").asText());
        assertEquals("held", fit.get("about").get("heldoutSweep").asText());
        int fitted = 0;
        int held = 0;
        for (com.fasterxml.jackson.databind.JsonNode d : fit.get("data")) {
            if (d.get("set").asText().equals("fit")) {
                fitted++;
                continue;
            }
            held++;
            Prediction p = reg.get(d.get("id").asText());
            Forecast.Range f = (Forecast.Range) p.forecast();
            assertEquals(
                    reg.resolution(p.id()).orElseThrow().value(), d.get("y").asDouble(), 0);
            assertEquals(f.lo(), d.get("lo").asDouble(), 0);
            assertEquals(f.hi(), d.get("hi").asDouble(), 0);
            assertEquals(
                    Math.log(d.get("y").asDouble() / d.get("forecast").asDouble()),
                    d.get("logError").asDouble(),
                    1e-12);
        }
        assertEquals(4, fitted, "one point a fit run");
        assertEquals(2, held);
        assertEquals(
                fit.get("extrapolation").get(1).asDouble(),
                fit.get("curve")
                        .get("x")
                        .get(fit.get("curve").get("x").size() - 1)
                        .asDouble(),
                0,
                "the curve reaches the largest held-out x");
    }

    @Test
    void theLogScoreIsALogNormalDensityWhoseCentralIntervalIsTheForecast() {
        // an independent check of the density: it integrates to 1, and the forecast range holds `level` of it
        Forecast.Range range = new Forecast.Range(0.02, 0.5, 0.9);
        double centre = 0.1;
        double total = 0;
        double inside = 0;
        int n = 400_000;
        double lo = Math.log(1e-6);
        double hi = Math.log(1e3);
        double h = (hi - lo) / n;
        for (int i = 0; i < n; i++) {
            double v = Math.exp(lo + (i + 0.5) * h);
            double mass = Math.exp(-dev.vivarium.app.study.StudyScores.logScore(centre, range, v)) * v * h;
            total += mass;
            if (v >= range.lo() && v <= range.hi()) {
                inside += mass;
            }
        }
        assertEquals(1.0, total, 1e-6);
        // the log-normal's central 90% range has log-width log(0.5/0.02), centred on log(centre) only if the
        // range is symmetric in log space about it: here log(0.1) - log(0.02) = 1.609 and log(0.5) - log(0.1) = 1.609
        assertEquals(0.9, inside, 1e-4);
    }

    @Test
    void badStudyFilesAreOneLineNamingTheKey() throws Exception {
        Path f = Files.writeString(
                dir.resolve("s.yaml"), "fit: {sweep: a.yaml, lawz: power}\nheldout: {sweep: b.yaml}\n");
        String[] r = Cli.run("study", f.toString());
        assertEquals("2", r[0]);
        assertEquals(
                "error: " + f + ": fit.lawz: unknown key (expected one of [law, metric, reduce, sweep, x])\n", r[2]);
        Path g = Files.writeString(
                dir.resolve("g.yaml"), "fit: {sweep: a.yaml}\nheldout: {sweep: b.yaml}\n" + "forecast: {level: 1.5}\n");
        r = Cli.run("study", g.toString());
        assertEquals("error: " + g + ": forecast.level = 1.5: must be in (0, 1)\n", r[2]);
        assertEquals(
                "power",
                StudySpec.read(Files.writeString(
                                dir.resolve("ok.yaml"), "fit: {sweep: a.yaml}\nheldout: {sweep: b.yaml}\n"))
                        .law());
    }

    private static List<Path> runsWith(Path runs, String configLine) throws Exception {
        try (Stream<Path> s = Files.list(runs)) {
            return s.filter(d -> {
                        try {
                            return Files.readAllLines(d.resolve("config.yaml")).stream()
                                    .anyMatch(l -> l.strip().equals(configLine));
                        } catch (java.io.IOException e) {
                            return false;
                        }
                    })
                    .toList();
        }
    }
}

package dev.vivarium.app.cmd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vivarium.store.run.MetricLog;
import dev.vivarium.store.run.RunDir;
import dev.vivarium.store.run.RunState;
import dev.vivarium.store.run.RunStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The laws commands, run without a terminal. */
class LawsCommandsTest {

    @Test
    void fitsATableAndPlotsTheExtrapolationBand(@TempDir Path dir) throws Exception {
        // exactly L = 1.5 + 3 / C^0.4 at 12 log-spaced points
        StringBuilder csv = new StringBuilder("compute,loss\n");
        for (int i = 0; i < 12; i++) {
            double c = Math.pow(10, i / 3.0);
            csv.append(c)
                    .append(',')
                    .append(1.5 + 3 / Math.pow(c, 0.4) * (1 + 0.01 * Math.sin(7 * i)))
                    .append('\n');
        }
        Path table = Files.writeString(dir.resolve("points.csv"), csv.toString());
        Path png = dir.resolve("fit.png");
        String[] r = Cli.run(
                "fit",
                "--table",
                table.toString(),
                "--x",
                "compute",
                "--y",
                "loss",
                "--huber",
                "Infinity",
                "--bootstrap",
                "200",
                "--at",
                "1e6",
                "--plot",
                png.toString());
        assertEquals("0", r[0], r[2]);
        assertTrue(r[1].contains("L(compute) fitted to 12 points"), r[1]);
        Matcher alpha = Pattern.compile("alpha\\s+([0-9.]+)").matcher(r[1]);
        assertTrue(alpha.find(), r[1]);
        assertEquals(0.4, Double.parseDouble(alpha.group(1)), 0.05);
        assertTrue(r[1].contains("at compute = 1.000e+06"), r[1]);
        assertTrue(Files.size(png) > 1000);

        // the same fit as JSON, for the laws page: its parameters are the ones printed, its curve reaches --at
        Path json = dir.resolve("sweep/fits/loss.json");
        String[] j = Cli.run(
                "fit",
                "--table",
                table.toString(),
                "--x",
                "compute",
                "--y",
                "loss",
                "--huber",
                "Infinity",
                "--bootstrap",
                "200",
                "--at",
                "1e6",
                "--json",
                json.toString());
        assertEquals("0", j[0], j[2]);
        assertEquals(
                r[1].lines().filter(l -> l.startsWith("alpha")).findFirst(),
                j[1].lines().filter(l -> l.startsWith("alpha")).findFirst(),
                "the same fit (same seed)");
        com.fasterxml.jackson.databind.JsonNode n =
                new com.fasterxml.jackson.databind.ObjectMapper().readTree(json.toFile());
        assertEquals("loss", n.get("name").asText());
        com.fasterxml.jackson.databind.JsonNode a = null;
        for (com.fasterxml.jackson.databind.JsonNode p : n.get("parameters")) {
            a = p.get("name").asText().equals("alpha") ? p : a;
        }
        assertEquals(
                Double.parseDouble(alpha.group(1)),
                a.get("value").asDouble(),
                1e-5 * Double.parseDouble(alpha.group(1)));
        assertEquals(12, n.get("data").size());
        assertEquals(1e6, n.get("extrapolation").get(1).asDouble(), 0);
        assertEquals(Math.pow(10, 11 / 3.0), n.get("extrapolation").get(0).asDouble(), 1e-9, "the largest compute");
        String[] bad = Cli.run("fit", "--table", table.toString(), "--x", "compute", "--json", dir.toString());
        assertEquals("2", bad[0]);
        assertTrue(bad[2].startsWith("error: --json " + dir), bad[2]);
    }

    @Test
    void fitsChinchillaAndTestsItAgainstPublishedValues() {
        // the repository's data folder, from the module's directory (Maven) or the root
        Path csv = Path.of("../data/chinchilla/svg_extracted_data.csv");
        csv = Files.exists(csv) ? csv : Path.of("data/chinchilla/svg_extracted_data.csv");
        assertTrue(
                Files.exists(csv),
                "data/chinchilla not found from " + Path.of("").toAbsolutePath());
        String[] r = Cli.run(
                "fit",
                "--law",
                "chinchilla",
                "--table",
                csv.toString(),
                "--n",
                "Model Size",
                "--compute",
                "Training FLOP",
                "--keep-lowest",
                "240",
                "--bootstrap",
                "200",
                "--published",
                "E=1.69",
                "--published",
                "alpha=0.34",
                "--published",
                "beta=0.28");
        assertEquals("0", r[0], r[2]);
        assertTrue(r[1].contains("L(N,D) fitted to 240 points"), r[1]);
        assertTrue(r[1].contains("NOT consistent at 95%"), r[1]); // Hoffmann et al.'s own fit, rejected on these points
    }

    @Test
    void fitErrorsAreOneClearLine(@TempDir Path dir) throws Exception {
        Path table = Files.writeString(dir.resolve("bad.csv"), "N,D,loss\n1e6,1e9,3.0\n-1,1e9,2.9\n");
        String[] r = Cli.run("fit", "--law", "chinchilla", "--table", table.toString(), "--n", "N", "--d", "D");
        assertNotEquals("0", r[0]);
        assertTrue(
                r[2].contains("N = -1.0 at row 1: must be finite and > 0 (a power law is undefined at zero or below)"),
                r[2]);
    }

    @Test
    void detectsGrokkingInARun(@TempDir Path runs) throws Exception {
        RunDir run = RunDir.create(runs.resolve("g1"));
        run.writeConfig("name: grokking\n");
        run.writeStatus(RunStatus.startingNow("grokking", 1000).withState(RunState.COMPLETED, Optional.empty()));
        try (MetricLog log = new MetricLog(run.metricsFile())) {
            for (int step = 0; step <= 1000; step += 10) {
                log.append(Map.of(
                        "step",
                        step,
                        "train_loss",
                        4.0 * Math.exp(-step / 100.0) + 0.01,
                        "train_acc",
                        step >= 100 ? 1.0 : 0.1,
                        "test_acc",
                        step >= 700 ? 1.0 : 0.05,
                        "test_loss",
                        step >= 700 ? 0.02 : 3.0));
            }
        }
        String[] r = Cli.run("detect", "g1", "--runs", runs.toString());
        assertEquals("0", r[0], r[2]);
        assertTrue(
                r[1].contains("grokking: GROKKED; memorisation step 100, grok step 700, delay 600\n"
                        + "  memorisation: first logged step from which train accuracy stays >= 0.99 to the end\n"
                        + "  grokking: where the final descent of log test loss begins"),
                r[1]);
        assertTrue(r[1].contains("  test loss (data): 3.000 before step 700, 0.02000 at step 1000"), r[1]);
        assertTrue(r[1].contains("  for reference, test accuracy stays >= 0.99 from step 700"), r[1]);
        // segment endpoints are the logged values: train loss at step 0 is 4 e^0 + 0.01 = 4.01
        assertTrue(r[1].contains("segment steps 0-"), r[1]);
        assertTrue(r[1].contains(": train loss 4.010 -> "), r[1]);
        assertTrue(r[1].contains("loss spikes: 0"), r[1]);
    }

    @Test
    void predictAddListResolveScore(@TempDir Path dir) throws Exception {
        String reg = dir.toString();
        String[] add = Cli.run(
                "predict",
                "add",
                "--registry",
                reg,
                "--author",
                "ada",
                "--tag",
                "grokking",
                "--recipe",
                "grokking",
                "--quantity",
                "grok_step",
                "--event",
                "<= 800",
                "--probability",
                "0.7");
        assertEquals("0", add[0], add[2]);
        String id = add[1].split("\\s+")[1];
        String[] interval = Cli.run(
                "predict",
                "add",
                "--registry",
                reg,
                "--author",
                "bob",
                "--recipe",
                "grokking",
                "--quantity",
                "grok_step",
                "--interval",
                "500,600",
                "--confidence",
                "0.9");
        assertEquals("0", interval[0], interval[2]);
        String id2 = interval[1].split("\\s+")[1];
        assertTrue(Cli.run("predict", "list", "--registry", reg)[1].contains("P(<= 800.0) = 0.7"));
        assertEquals("0", Cli.run("predict", "resolve", "--registry", reg, id, "--value", "700")[0]);
        assertEquals("0", Cli.run("predict", "resolve", "--registry", reg, id2, "--value", "700")[0]);
        String[] score = Cli.run("predict", "score", "--registry", reg);
        assertEquals("0", score[0], score[2]);
        // event held: brier (0.7 - 1)^2 = 0.09, log -ln 0.7 = 0.3567; interval 100 + (2 / 0.1) * 100 = 2100
        assertTrue(
                score[1].contains("0.0900") && score[1].contains("0.3567") && score[1].contains("2100.0000"), score[1]);

        Path ledger = dir.resolve("predictions.ledger");
        Files.writeString(ledger, Files.readString(ledger).replace("\"probability\":0.7", "\"probability\":0.9"));
        String[] tampered = Cli.run("predict", "list", "--registry", reg);
        assertNotEquals("0", tampered[0]);
        assertTrue(
                tampered[2].contains("is damaged: line 1 (seq 1, register " + id.substring(0, 12) + ")"), tampered[2]);
        String[] verify = Cli.run("predict", "verify", "--registry", reg);
        assertEquals("1", verify[0], verify[2]);
        assertTrue(
                verify[1].contains("DAMAGED line 1 (seq 1, register " + id.substring(0, 12) + "): its content does"
                        + " not hash to the hash written on the line"),
                verify[1]);
    }
}

package dev.vivarium.app.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vivarium.laws.fit.Law;
import dev.vivarium.laws.fit.LawData;
import dev.vivarium.laws.report.FitStudy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A fit's JSON checked by an independent reader, {@code tools/oracle/fit_json_check.py} (numpy): the curve is
 * the closed-form law at the fitted parameters, the grid log-spaced over the data and on through the
 * extrapolation, the band numpy's 5th and 95th percentiles of the law over the bootstrap replicates, each
 * parameter's interval the replicates' percentiles, held-out errors their closed forms.
 */
class FitJsonTest {
    static final Path PYTHON = Path.of("/usr/bin/python3");

    @TempDir
    Path dir;

    /** y = 1.5 + 3 / x^0.4 at 10 log-spaced x, with a 2% wobble, fitted with 200 bootstrap refits. */
    static FitStudy saturating(long seed) {
        int n = 10;
        double[] x = new double[n];
        double[] y = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = 100 * Math.pow(10, i / 3.0);
            y[i] = (1.5 + 3 / Math.pow(x[i], 0.4)) * (1 + 0.02 * Math.sin(5 * i));
        }
        return FitStudy.run(
                Law.saturating("parameters"), LawData.of("parameters", x, y, "test_loss"), 1e-3, 200, seed, 0.8);
    }

    @Test
    void theJsonIsTheLawItsBandAndItsPointsAsNumpyComputesThem() throws Exception {
        FitStudy s = saturating(3);
        double big = 3e6;
        FitJson.Heldout h1 = new FitJson.Heldout(
                "aa11",
                2e5,
                1.52,
                s.at(2e5).value(),
                s.at(2e5).prediction().lo(),
                s.at(2e5).prediction().hi(),
                0.8);
        FitJson.Heldout h2 = new FitJson.Heldout("bb22", 1e6, 2.5, s.at(1e6).value(), 1.4, 1.6, 0.8);
        String json = FitJson.of("teacher", s, big, List.of(h1, h2), Map.of("study", "teacher"));
        Path file = dir.resolve("fit.json");
        FitJson.write(file, "teacher", s, big, List.of(h1, h2), Map.of("study", "teacher"));
        assertEquals(json, Files.readString(file));

        JsonNode n = new ObjectMapper().readTree(json);
        assertEquals(FitJson.FORMAT, n.get("format").asText());
        assertEquals(
                "L(parameters) = A / parameters^alpha + E", n.get("formula").asText());
        assertEquals(10, n.get("data").size() - 2);
        assertEquals("heldout", n.get("data").get(10).get("set").asText());
        assertEquals(
                s.at(2e5).prediction().contains(1.52),
                n.get("data").get(10).get("inside").asBoolean());
        assertFalse(n.get("data").get(11).get("inside").asBoolean());
        assertEquals(2, n.get("heldout").get("count").asInt());
        assertEquals(big, n.get("extrapolation").get(1).asDouble(), 0);
        assertEquals(
                FitJson.INSIDE + FitJson.BEYOND + 1, n.get("curve").get("x").size());

        StringBuilder reps = new StringBuilder("{\"names\":")
                .append(new ObjectMapper().writeValueAsString(s.fit().law().parameterNames()))
                .append(",\"replicates\":")
                .append(new ObjectMapper().writeValueAsString(s.uncertainty().naturalReplicates()))
                .append('}');
        Path r = Files.writeString(dir.resolve("replicates.json"), reps);
        Process p = new ProcessBuilder(PYTHON.toString(), oracle().toString(), file.toString(), r.toString())
                .redirectErrorStream(true)
                .start();
        String said = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(120, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), said);
        assertTrue(said.startsWith("OK 121 grid points, 200 replicates"), said);
    }

    @Test
    void withoutAnExtrapolationTheCurveEndsAtTheData() throws Exception {
        FitStudy s = saturating(1);
        Path file = dir.resolve("plain.json");
        FitJson.write(file, "plain", s, Double.NaN, List.of(), Map.of());
        JsonNode n = new ObjectMapper().readTree(file.toFile());
        assertTrue(n.get("extrapolation").isNull());
        assertFalse(n.has("heldout"));
        assertEquals(FitJson.INSIDE + 1, n.get("curve").get("x").size());
        Path r = Files.writeString(
                dir.resolve("r.json"),
                "{\"names\":"
                        + new ObjectMapper().writeValueAsString(s.fit().law().parameterNames())
                        + ",\"replicates\":"
                        + new ObjectMapper().writeValueAsString(s.uncertainty().naturalReplicates()) + "}");
        Process p = new ProcessBuilder(PYTHON.toString(), oracle().toString(), file.toString(), r.toString())
                .redirectErrorStream(true)
                .start();
        String said = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(120, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), said);
    }

    static Path oracle() {
        for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
            Path f = d.resolve("tools/oracle/fit_json_check.py");
            if (Files.exists(f)) {
                return f;
            }
        }
        throw new IllegalStateException(
                "tools/oracle/fit_json_check.py not found above " + Path.of("").toAbsolutePath());
    }
}

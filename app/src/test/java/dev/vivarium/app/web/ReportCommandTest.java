package dev.vivarium.app.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vivarium.app.Vivarium;
import dev.vivarium.store.run.RunState;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code vivarium report}: one HTML file that references nothing outside itself, whose embedded data is the
 * API's answers for the page (a hostile recipe name cannot close its script element), PNG figures with
 * {@code --png}, a sweep folder's page; and the one-line errors of report and serve.
 */
class ReportCommandTest {
    @TempDir
    static Path dir;

    static Path runs;
    static Path sweeps;

    @BeforeAll
    static void fixtures() throws IOException {
        runs = Files.createDirectories(dir.resolve("runs"));
        sweeps = Files.createDirectories(dir.resolve("sweeps"));
        WebFixtures.run(runs, "alpha", "</script><script>window.pwned=1</script>", 1e-3, 4.0, RunState.COMPLETED, 30);
        DashboardBrowserTest.fourier(dev.vivarium.store.run.RunDir.open(runs.resolve("alpha")));
        WebFixtures.sweep(sweeps, "phase", new double[] {1e-3, 3e-3}, new double[] {0.1, 1.0});
    }

    static String[] cli(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = Vivarium.commandLine();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int code = cl.execute(args);
        return new String[] {String.valueOf(code), out.toString(), err.toString()};
    }

    static JsonNode embedded(String html) throws IOException {
        String open = "<script type=\"application/json\" id=\"vivarium-data\">";
        int from = html.indexOf(open) + open.length();
        int to = html.indexOf("</script>", from);
        return new ObjectMapper().readTree(html.substring(from, to));
    }

    @Test
    void aRunsReportIsOneFileWithItsDataAndPictures() throws IOException {
        Path html = dir.resolve("alpha.html");
        Path png = dir.resolve("png");
        String[] r = cli("report", "alpha", "--runs", runs.toString(), "-o", html.toString(), "--png", png.toString());
        assertEquals("0", r[0], r[2]);
        String text = Files.readString(html);
        assertFalse(
                java.util.regex.Pattern.compile("<(script|link|img|iframe)[^>]*(src|href)=\"(?!data:)")
                        .matcher(text)
                        .find(),
                "a reference out of the file");
        assertFalse(text.contains("<script>window.pwned"), "the recipe's name closed a script element");
        assertEquals(
                3,
                java.util.regex.Pattern.compile("(?m)^<script")
                        .matcher(text)
                        .results()
                        .count(),
                "three script elements: uPlot, the data and the page's script");
        JsonNode data = embedded(text);
        assertEquals("#/run/alpha", data.get("start").asText());
        JsonNode answers = data.get("answers");
        assertEquals(
                "</script><script>window.pwned=1</script>",
                answers.get("run|id=alpha").get("run").get("recipe").asText(),
                "the name survives, escaped only in the file");
        JsonNode loss =
                answers.get("metrics|id=alpha|buckets=1000").get("series").get("train_loss");
        assertEquals(30, loss.get("step").size());
        assertEquals(4.0 / (1 + 290 / 100.0), loss.get("y").get(29).asDouble(), 1e-12);
        assertTrue(answers.get("file|id=alpha|path=analyses/fourier/step_00000590.png")
                .asText()
                .startsWith("data:image/png;base64,"));
        BufferedImage curves = ImageIO.read(png.resolve("curves.png").toFile());
        assertEquals(900, curves.getWidth(), "the Curves picture");
        assertTrue(Files.isRegularFile(png.resolve("fourier-step_00000590.png")), "the analysis's picture");
    }

    @Test
    void aSweepsReportHasItsPageAndItsPoints() throws IOException {
        Path html = dir.resolve("phase.html");
        String[] r = cli("report", sweeps.resolve("phase").toString(), "-o", html.toString());
        assertEquals("0", r[0], r[2]);
        JsonNode answers = embedded(Files.readString(html)).get("answers");
        JsonNode sweep = answers.get("sweep|name=phase");
        assertEquals(8, sweep.get("points").size());
        assertEquals(8, sweep.get("counts").get("COMPLETED").asInt());
        String point = sweep.get("points").get(0).get("run").asText();
        assertTrue(answers.has("metrics|id=" + point + "|buckets=" + Report.SWEEP_BUCKETS), point);
    }

    @Test
    void aSweepsReportHasTheLawsFittedOnItAndTheirPredictions() throws IOException {
        LawFixtures.writeStudy(sweeps, "phase-study", "phase");
        LawFixtures.writeSweepFit(sweeps, "phase", "loss");
        LawFixtures.writeStudy(sweeps, "unrelated", "elsewhere");
        try {
            Path html = dir.resolve("phase-laws.html");
            String[] r = cli("report", sweeps.resolve("phase").toString(), "-o", html.toString());
            assertEquals("0", r[0], r[2]);
            JsonNode answers = embedded(Files.readString(html)).get("answers");
            List<String> laws = new java.util.ArrayList<>();
            answers.get("laws").get("laws").forEach(l -> laws.add(l.get("name").asText()));
            assertEquals(List.of("studies/phase-study", "phase/loss"), laws);
            JsonNode fit = answers.get("laws/studies/phase-study");
            assertEquals(
                    new ObjectMapper()
                            .readTree(sweeps.resolve("studies/phase-study/fit.json")
                                    .toFile()),
                    fit);
            assertTrue(answers.has("laws/phase/loss"));
            JsonNode ledgers = answers.get("predictions").get("ledgers");
            assertEquals(1, ledgers.size(), "the study's ledger, not the unrelated one");
            assertEquals("studies/phase-study", ledgers.get(0).get("name").asText());
            assertEquals(2, ledgers.get(0).get("predictions").size());

            Path study = dir.resolve("study.html");
            String[] s = cli("report", sweeps.resolve("studies/phase-study").toString(), "-o", study.toString());
            assertEquals("0", s[0], s[2]);
            JsonNode data = embedded(Files.readString(study));
            assertEquals("#/laws/studies/phase-study", data.get("start").asText());
            assertTrue(data.get("answers").has("sweep|name=phase"), "the study's fit sweep");
            assertEquals(1, data.get("answers").get("laws").get("laws").size());
        } finally {
            deleteTree(sweeps.resolve("studies"));
            deleteTree(sweeps.resolve("phase/fits"));
        }
    }

    private static void deleteTree(Path p) throws IOException {
        try (var s = Files.walk(p)) {
            for (Path f : (Iterable<Path>) s.sorted(java.util.Comparator.reverseOrder())::iterator) {
                Files.delete(f);
            }
        }
    }

    @Test
    void serveRefusesARegistryWithoutALedger() throws IOException {
        String[] m = cli(
                "serve",
                "--sweeps",
                sweeps.toString(),
                "--registry",
                dir.resolve("none").toString(),
                "--port",
                "0");
        assertEquals("2", m[0]);
        assertEquals("error: --registry " + dir.resolve("none") + ": no such file or directory", m[2].strip());
        Path empty = Files.createDirectories(dir.resolve("empty-registry"));
        String[] e = cli("serve", "--sweeps", sweeps.toString(), "--registry", empty.toString(), "--port", "0");
        assertEquals("2", e[0]);
        assertTrue(e[2].startsWith("error: --registry " + empty + ": no predictions.ledger in this directory"), e[2]);
        Path other = Files.writeString(dir.resolve("notes.txt"), "x");
        String[] o = cli("serve", "--sweeps", sweeps.toString(), "--registry", other.toString(), "--port", "0");
        assertTrue(o[2].startsWith("error: --registry " + other + ": a ledger file is named predictions.ledger"), o[2]);
    }

    @Test
    void badTargetsAndPortsAreOneLineErrors() {
        String[] r = cli(
                "report",
                "nope",
                "--runs",
                runs.toString(),
                "-o",
                dir.resolve("x.html").toString());
        assertEquals("2", r[0]);
        assertTrue(r[2].startsWith("error: ") && r[2].strip().split("\n").length == 1, r[2]);
        assertTrue(r[2].contains("nope"), r[2]);
        String[] o = cli("report", "alpha", "--runs", runs.toString(), "-o", dir.toString());
        assertTrue(o[2].startsWith("error: -o " + dir) && o[2].contains("not a regular file"), o[2]);
        String[] p = cli("serve", "--runs", runs.toString(), "--sweeps", sweeps.toString(), "--port", "70000");
        assertEquals("2", p[0]);
        assertTrue(p[2].startsWith("error: --port 70000"), p[2]);
        String[] m = cli("serve", "--runs", dir.resolve("missing").toString(), "--port", "0");
        assertTrue(m[2].startsWith("error: --runs ") && m[2].contains("no such directory"), m[2]);
    }
}

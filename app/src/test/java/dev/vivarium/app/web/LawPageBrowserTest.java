package dev.vivarium.app.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vivarium.laws.predict.Forecast;
import dev.vivarium.laws.predict.Prediction;
import dev.vivarium.laws.predict.PredictionRegistry;
import dev.vivarium.laws.predict.Target;
import dev.vivarium.laws.report.FitStudy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;

/**
 * The laws page and the predictions page's reliability diagram in headless Chromium ({@link Browser}). The law's
 * curve on the page is checked against the closed form E + A / x^alpha at the fitted parameters; the fitted and
 * held-out points against the fixture's values; the extrapolation is its own dashed series past the data; both
 * axes are logarithmic. The reliability diagram's markers are the calibration rows' closed forms (a bin's mean
 * stated probability and its fraction of events that happened), beside the diagonal. The predictions of a
 * registry given to the server ({@code serve --registry}) are listed after the study's. Screenshots {@code
 * target/screenshots/laws.png}, {@code law.png} and {@code calibration.png}.
 */
class LawPageBrowserTest {
    @TempDir
    static Path dir;

    static Dashboard server;
    static Browser browser;
    static FitStudy fit;
    static Path registry;

    @BeforeAll
    static void start() throws IOException {
        Browser.assumeInstalled();
        Path sweeps = Files.createDirectories(dir.resolve("sweeps"));
        fit = LawFixtures.writeStudy(sweeps, "scaling", "scaling-fit");
        registry = Files.createDirectories(dir.resolve("mine"));
        PredictionRegistry reg = new PredictionRegistry(registry);
        Target t = new Target("grok", Map.of(), "test_acc", Target.Reduction.FINAL);
        double[][] events = {{0.7, 1}, {0.75, 1}, {0.2, 0}, {0.25, 1}}; // probability, happened
        for (double[] e : events) {
            Prediction p = reg.register(new Prediction.Draft(
                    "me", List.of(), t, new Forecast.Event(Forecast.Comparison.GT, 0.9, e[0]), "groks"));
            reg.resolve(p.id(), e[1] == 1 ? 0.99 : 0.5, List.of(), true);
        }
        server = Dashboard.start(new RunCatalog(null, sweeps), List.of(registry), "127.0.0.1", 0);
        browser = Browser.start(dir.resolve("profile"), 1300, 1000);
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.close();
        }
        if (server != null) {
            server.close();
        }
    }

    @Test
    void theLawPageDrawsThePointsTheCurveItsBandAndTheExtrapolation() throws Exception {
        browser.consoleErrors();
        browser.open(server.url() + "#/laws", "document.querySelector('table[data-testid=laws] a')");
        assertTrue(browser.driver
                .findElement(By.cssSelector("table[data-testid=laws]"))
                .getText()
                .contains("L(parameters) = A / parameters^alpha + E"));
        browser.screenshot("laws");
        browser.driver.findElement(By.cssSelector("table[data-testid=laws] a")).click();
        browser.await("window.vivarium.marks.lawDrawn && document.querySelector('[data-chart=law]').uplot");
        browser.assertNoConsoleErrors("law page");

        List<String> roles = List.of(browser.driver
                .findElement(By.cssSelector("[data-chart=law]"))
                .getAttribute("data-roles")
                .split("\n"));
        assertEquals(
                List.of("bandHi", "bandLo", "predHi", "predLo", "law", "extrapolation", "fit", "fit", "heldout"),
                roles,
                "the two seeds at the largest x in a second series of fitted points");
        @SuppressWarnings("unchecked")
        List<List<Object>> data = (List<List<Object>>)
                browser.js("return document.querySelector('[data-chart=law]').uplot.data.map(a => Array.from(a));");
        assertEquals(3L, browser.js("return document.querySelector('[data-chart=law]').uplot.scales.x.distr;"));
        assertEquals(3L, browser.js("return document.querySelector('[data-chart=law]').uplot.scales.y.distr;"));
        assertNull(browser.js("return document.querySelector('[data-chart=law]').uplot.series[5].dash || null;"));
        assertEquals(
                List.of(8L, 5L),
                browser.js("return document.querySelector('[data-chart=law]').uplot.series[6].dash;"),
                "the extrapolation dashed");

        double e = fit.fit().value("E");
        double a = fit.fit().value("A");
        double alpha = fit.fit().value("alpha");
        double dataMax = 1e5;
        List<Object> xs = data.get(0);
        int law = 0;
        int beyond = 0;
        for (int i = 0; i < xs.size(); i++) {
            double x = num(xs.get(i));
            Object in = data.get(5).get(i);
            Object out = data.get(6).get(i);
            if (in != null) {
                law++;
                assertTrue(x <= dataMax * (1 + 1e-12), "law drawn solid only over the data: x = " + x);
                assertEquals(e + a * Math.pow(x, -alpha), num(in), 1e-9 * num(in), "law at " + x);
                assertTrue(
                        num(data.get(2).get(i)) <= num(in)
                                && num(in) <= num(data.get(1).get(i)),
                        "in the band");
            }
            if (out != null) {
                beyond++;
                assertTrue(x >= dataMax * (1 - 1e-12), "extrapolation starts at the data's end: x = " + x);
                assertEquals(e + a * Math.pow(x, -alpha), num(out), 1e-9 * num(out), "extrapolation at " + x);
            }
        }
        assertEquals(81, law);
        assertEquals(41, beyond, "40 grid points past the data, and its last one");
        assertEquals(3e6, num(xs.get(xs.size() - 1)), 0);

        // the points, at their x
        List<double[]> fitted = new ArrayList<>();
        List<double[]> held = new ArrayList<>();
        for (int i = 0; i < xs.size(); i++) {
            for (int s = 7; s <= 8; s++) {
                if (data.get(s).get(i) != null) {
                    fitted.add(new double[] {num(xs.get(i)), num(data.get(s).get(i))});
                }
            }
            if (data.get(9).get(i) != null) {
                held.add(new double[] {num(xs.get(i)), num(data.get(9).get(i))});
            }
        }
        assertEquals(11, fitted.size());
        for (int i = 0; i < 11; i++) {
            double x = Math.exp(fit.data().logX(0, i));
            double y = Math.exp(fit.data().logY(i));
            assertTrue(
                    fitted.stream().anyMatch(p -> Math.abs(p[0] - x) < 1e-9 * x && Math.abs(p[1] - y) < 1e-12 * y),
                    "fitted point (" + x + ", " + y + ") on the chart");
        }
        assertEquals(2, held.size());
        assertEquals(3e5, held.get(0)[0], 0);
        assertEquals(fit.at(1e6).value() * 1.25, held.get(1)[1], 1e-12);
        String heldTable = browser.driver
                .findElement(By.cssSelector("table[data-testid=law-heldout]"))
                .getText();
        assertTrue(heldTable.contains("inside") && heldTable.contains("OUTSIDE"), heldTable);
        assertTrue(browser.driver
                .findElement(By.cssSelector("[data-testid=heldout-summary]"))
                .getText()
                .startsWith("1 of 2 inside"));
        String params = browser.driver
                .findElement(By.cssSelector("table[data-testid=law-parameters]"))
                .getText();
        assertTrue(
                params.contains(String.valueOf(browser.js("return Number(arguments[0]).toPrecision(4);", alpha))),
                params);
        browser.screenshot("law");
        browser.assertNoConsoleErrors("law page");
    }

    @Test
    void thePredictionsPageDrawsAReliabilityDiagramOfEachLedger() throws Exception {
        browser.consoleErrors();
        browser.open(
                server.url() + "#/predictions",
                "document.querySelectorAll('[data-chart=calibration]').length === 2"
                        + " && Array.from(document.querySelectorAll('[data-chart=calibration]')).every(b => b.uplot)");
        List<String> headings = browser.driver.findElements(By.cssSelector("main h2")).stream()
                .map(h -> h.getText())
                .toList();
        assertEquals(List.of("studies/scaling", "registry " + registry), headings);
        @SuppressWarnings("unchecked")
        List<List<List<Object>>> charts = (List<List<List<Object>>>) browser.js("return Array.from("
                + "document.querySelectorAll('[data-chart=calibration]'), b => b.uplot.data.map(a => Array.from(a)));");
        // the study: two 80% intervals, one hit: (0.8, 0.5)
        List<List<Object>> study = charts.get(0);
        assertEquals(study.get(0), study.get(1), "the diagonal is y = x");
        assertEquals(List.of(0.5), observedAt(study, 2, 0.8));
        // the registry: events at 0.7 and 0.75 (both happened) in one bin, 0.2 (not) and 0.25 (did) in another
        List<List<Object>> events = charts.get(1);
        assertEquals(3, events.size(), "x, the diagonal and the events: no interval series without intervals");
        assertEquals(List.of(1.0), observedAt(events, 2, 0.725));
        assertEquals(List.of(0.5), observedAt(events, 2, 0.225));
        String series = browser.driver
                .findElements(By.cssSelector("[data-chart=calibration]"))
                .get(1)
                .getAttribute("data-series");
        assertEquals("perfect calibration\nevent probabilities", series);
        JsonNode api = new ObjectMapper()
                .readTree(server.api().predictions())
                .get("ledgers")
                .get(1);
        assertEquals(4, api.get("predictions").size());
        browser.js("document.querySelectorAll('[data-chart=calibration]')[1].scrollIntoView();");
        browser.screenshot("calibration");
        browser.assertNoConsoleErrors("predictions page");
    }

    /** The values of series {@code s} at the x within 1e-12 of {@code stated}. */
    private static List<Double> observedAt(List<List<Object>> data, int s, double stated) {
        List<Double> out = new ArrayList<>();
        for (int i = 0; i < data.get(0).size(); i++) {
            if (Math.abs(num(data.get(0).get(i)) - stated) < 1e-12
                    && data.get(s).get(i) != null) {
                out.add(num(data.get(s).get(i)));
            }
        }
        return out;
    }

    private static double num(Object o) {
        return ((Number) o).doubleValue();
    }
}

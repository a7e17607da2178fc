package dev.vivarium.app.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vivarium.store.run.RunDir;
import dev.vivarium.store.run.RunState;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.NoAlertPresentException;
import org.openqa.selenium.WebElement;

/**
 * The dashboard as a person uses it, in headless Chromium ({@link Browser}) against fixture runs: every page
 * loads without a console error, the runs table lists the runs, a run's loss chart has its train and test
 * series with the logged values, two runs selected and compared are both drawn, runs grouped by a config key
 * get mean bands, a sweep's heatmap has a cell per pair of axis values, a hostile name is shown as text and
 * never run, a damaged metric log is an error on its run's page only, and a report file draws the same offline.
 * Screenshots go to {@code target/screenshots/}.
 */
class DashboardBrowserTest {
    static final String XSS_DIR = "<img src=x onerror=window.pwned=1>";
    static final String XSS_RECIPE = "<script>window.pwned=2</script>";

    @TempDir
    static Path dir;

    static Dashboard server;
    static Browser browser;
    static Path runs;

    @BeforeAll
    static void start() throws IOException {
        Browser.assumeInstalled();
        runs = Files.createDirectories(dir.resolve("runs"));
        Path sweeps = Files.createDirectories(dir.resolve("sweeps"));
        RunDir a = WebFixtures.run(runs, "alpha", "fixture", 1e-3, 4.0, RunState.COMPLETED, 60);
        WebFixtures.run(runs, "beta", "fixture", 1e-3, 2.0, RunState.COMPLETED, 60);
        WebFixtures.run(runs, "gamma", "fixture", 2e-3, 1.0, RunState.COMPLETED, 60);
        WebFixtures.run(runs, XSS_DIR, XSS_RECIPE, 3e-3, 1.0, RunState.COMPLETED, 10);
        RunDir hostile = WebFixtures.run(runs, "hostile", "fixture", 4e-3, 1.0, RunState.COMPLETED, 20);
        List<String> lines = new ArrayList<>(Files.readAllLines(hostile.metricsFile()));
        lines.add(5, "{\"step\": 45, \"train_loss\": \"</script><script>window.pwned=3</script>\"}");
        Files.write(hostile.metricsFile(), lines);
        fourier(a);
        WebFixtures.sweep(sweeps, "phase", new double[] {1e-3, 3e-3}, new double[] {0.1, 1.0});
        server = Dashboard.start(new RunCatalog(runs, sweeps), "127.0.0.1", 0);
        browser = Browser.start(dir.resolve("profile"), 1400, 1000);
    }

    /** A fourier analysis as the lens writes it: energy per frequency (index 0 the constant), keys 3 and 7. */
    static void fourier(RunDir run) throws IOException {
        Path f = Files.createDirectories(run.analysesDir().resolve("fourier"));
        StringBuilder energy = new StringBuilder("[0.5");
        for (int k = 1; k <= 12; k++) {
            energy.append(',').append(k == 3 || k == 7 ? 20.0 : 1.0 / k);
        }
        energy.append(']');
        Files.writeString(
                f.resolve("step_00000590.json"),
                "{\"analysis\":\"fourier\",\"step\":590,\"key_frequencies\":[3,7],\"embedding_energy_by_frequency\":"
                        + energy + ",\"summary\":\"key frequencies [3, 7]\",\"restricted_loss\":NaN}");
        // progress measures as the lens writes them: phase boundaries in the JSON, the values in its CSV
        Files.writeString(
                run.analysesDir().resolve("progress.json"),
                "{\"analysis\":\"progress\",\"memorised_at\":100,\"circuit_formation_starts_at\":200,"
                        + "\"cleanup_starts_at\":300,\"cleanup_ends_at\":400,\"table\":\"progress.csv\"}");
        Files.writeString(
                run.analysesDir().resolve("progress.csv"),
                "step,train_loss,test_loss,restricted_loss,excluded_loss\n0,4,4,4,4\n100,1,3,3.5,1.5\n"
                        + "300,0.1,1,0.5,2\n500,0.01,0.05,0.02,3\n");
        BufferedImage img = new BufferedImage(40, 20, BufferedImage.TYPE_INT_RGB);
        ImageIO.write(img, "png", f.resolve("step_00000590.png").toFile());
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

    private static void notPwned() {
        assertEquals(null, browser.js("return window.pwned === undefined ? null : window.pwned;"), "injected code ran");
        try {
            browser.driver.switchTo().alert();
            throw new AssertionError("an alert is open");
        } catch (NoAlertPresentException expected) {
            // none
        }
    }

    @Test
    void theRunsTableListsEveryRunAndShowsAHostileNameAsText() throws IOException {
        browser.consoleErrors();
        browser.open(
                server.url() + "#/runs", "document.querySelectorAll('table[data-testid=runs] tbody tr').length >= 5");
        List<String> ids = new ArrayList<>();
        for (WebElement tr : browser.driver.findElements(By.cssSelector("table[data-testid=runs] tbody tr"))) {
            ids.add(tr.getAttribute("data-run"));
        }
        assertTrue(ids.containsAll(List.of("alpha", "beta", "gamma", "hostile", XSS_DIR)), ids.toString());
        String text = browser.driver
                .findElement(By.cssSelector("table[data-testid=runs]"))
                .getText();
        assertTrue(text.contains(XSS_DIR), "the run's name is shown as written: " + text);
        assertTrue(text.contains(XSS_RECIPE), "the recipe is shown as written");
        assertEquals(0L, browser.js("return document.querySelectorAll('main img, main script').length;"));
        notPwned();
        // the filter narrows the table, and a click on a header sorts it
        WebElement filter = browser.driver.findElement(By.cssSelector("[data-testid=filter]"));
        filter.sendKeys("gam");
        browser.await("document.querySelectorAll('table[data-testid=runs] tbody tr').length === 1");
        filter.clear();
        filter.sendKeys(" ");
        filter.clear();
        browser.js(
                "const f = document.querySelector('[data-testid=filter]'); f.value=''; f.dispatchEvent(new Event('input'));");
        browser.driver.findElement(By.cssSelector("th[data-key=id]")).click();
        browser.await("document.querySelector('table[data-testid=runs] tbody tr').getAttribute('data-run') === '"
                + XSS_DIR.charAt(0) + "' || true");
        @SuppressWarnings("unchecked")
        List<String> sorted = (List<String>)
                browser.js(
                        "return Array.from(document.querySelectorAll('table[data-testid=runs] tbody tr')).map(r => r.getAttribute('data-run'));");
        List<String> expected = new ArrayList<>(sorted);
        expected.sort(null);
        assertEquals(expected, sorted, "sorted by id");
        browser.screenshot("runs");
        browser.assertNoConsoleErrors("runs page");
        // the hostile run's own page shows its name as its title, as text
        browser.open(
                server.url() + "#/run/"
                        + java.net.URLEncoder.encode(XSS_DIR, "UTF-8").replace("+", "%20"),
                "document.querySelector('[data-testid=run-title]')");
        assertEquals(
                XSS_DIR,
                browser.driver
                        .findElement(By.cssSelector("[data-testid=run-title]"))
                        .getText());
        notPwned();
        browser.assertNoConsoleErrors("hostile-named run page");
    }

    @Test
    void aRunPageDrawsItsCurvesWithTheLoggedValues() throws IOException {
        browser.consoleErrors();
        browser.open(server.url() + "#/run/alpha", "window.vivarium.marks.runDone");
        String loss =
                browser.driver.findElement(By.cssSelector("[data-chart=loss]")).getAttribute("data-series");
        assertEquals("train_loss\ntest_loss", loss);
        assertEquals(
                "train_acc\ntest_acc",
                browser.driver
                        .findElement(By.cssSelector("[data-chart=accuracy]"))
                        .getAttribute("data-series"));
        for (String chart : new String[] {"weight norms", "gradient norm", "learning rate"}) {
            assertEquals(
                    1,
                    browser.driver
                            .findElements(By.cssSelector("[data-chart='" + chart + "']"))
                            .size(),
                    chart);
        }
        // log x leaves step 0 out; the values drawn are the logged ones
        @SuppressWarnings("unchecked")
        List<List<Number>> data = (List<List<Number>>)
                browser.js("return document.querySelector('[data-chart=loss]').uplot.data.map(a => Array.from(a));");
        assertEquals(10.0, data.get(0).get(0).doubleValue(), "first x on a log axis is step 10");
        for (int i = 0; i < data.get(0).size(); i++) {
            double step = data.get(0).get(i).doubleValue();
            assertEquals(4.0 / (1 + step / 100), data.get(1).get(i).doubleValue(), 1e-12, "train_loss at " + step);
            assertEquals(8.0 / (1 + step / 200), data.get(2).get(i).doubleValue(), 1e-12, "test_loss at " + step);
        }
        // x by wall time: the wall seconds the log recorded (0.5 i + 0.1; step 0's is positive, so kept)
        browser.js(
                "const s = document.querySelector('[data-testid=xaxis]'); s.value = 'wall'; s.dispatchEvent(new Event('change'));");
        browser.await("document.querySelector('[data-chart=loss]').uplot.data[0][0] < 1");
        assertEquals(
                0.1,
                ((Number) browser.js("return document.querySelector('[data-chart=loss]').uplot.data[0][0];"))
                        .doubleValue(),
                1e-12);
        // the analysis drawn from its JSON: one bar per frequency, keys named, its PNG beside it
        assertEquals(
                "12",
                browser.driver
                        .findElement(By.cssSelector("[data-analysis=fourier] canvas"))
                        .getAttribute("data-bars"));
        assertEquals(
                "key frequencies: 3, 7",
                browser.driver
                        .findElement(By.cssSelector("[data-testid=key-frequencies]"))
                        .getText());
        assertEquals(
                Boolean.TRUE,
                browser.js(
                        "const i = document.querySelector('[data-analysis=fourier] img'); return i.complete && i.naturalWidth === 40;"));
        // progress measures: the four losses from the CSV, and the phase boundaries from the JSON
        assertEquals(
                "train_loss\ntest_loss\nrestricted_loss\nexcluded_loss",
                browser.driver
                        .findElement(By.cssSelector("[data-analysis=progress] .chart"))
                        .getAttribute("data-series"));
        assertEquals(
                List.of("memorised 100", "circuit formation 200", "clean-up 300", "clean-up ends 400"),
                browser.driver.findElements(By.cssSelector("[data-testid=phases] span")).stream()
                        .map(WebElement::getText)
                        .toList());
        browser.screenshot("run");
        browser.assertNoConsoleErrors("run page");
    }

    /** TensorBoard's smoothing, written out: an EMA debiased by 1 - w^n, n counting the finite values so far. */
    static double[] tensorBoardSmoothing(double[] ys, double w) {
        double last = 0;
        int n = 0;
        double[] out = new double[ys.length];
        for (int i = 0; i < ys.length; i++) {
            last = last * w + (1 - w) * ys[i];
            n++;
            out[i] = last / (1 - Math.pow(w, n));
        }
        return out;
    }

    @Test
    void smoothingIsTensorBoardsDebiasedMovingAverage() {
        double[] ys = {5, 3, 8, 1, 1, 9, 2, 2, 7, 0.5};
        for (double w : new double[] {0.0, 0.3, 0.6, 0.95}) {
            @SuppressWarnings("unchecked")
            List<Number> got = (List<Number>) browser.js(
                    "return window.vivarium.smooth(arguments[0], arguments[1]);",
                    java.util.Arrays.stream(ys).boxed().toList(),
                    w);
            double[] want = w == 0 ? ys : tensorBoardSmoothing(ys, w);
            for (int i = 0; i < ys.length; i++) {
                assertEquals(want[i], got.get(i).doubleValue(), 1e-12, "w=" + w + " i=" + i);
            }
            assertEquals(ys[0], got.get(0).doubleValue(), 1e-12, "debiased: the first value is not pulled to 0");
        }
    }

    @Test
    void twoSelectedRunsAreComparedAndGroupsGetBands() throws IOException {
        browser.consoleErrors();
        browser.open(server.url() + "#/runs", "document.querySelector('input[data-run=alpha]')");
        browser.driver.findElement(By.cssSelector("input[data-run=alpha]")).click();
        browser.driver.findElement(By.cssSelector("input[data-run=gamma]")).click();
        browser.driver.findElement(By.cssSelector("[data-testid=diff]")).click();
        browser.await("document.querySelector('[data-testid=config-diff] tr[data-key]')");
        @SuppressWarnings("unchecked")
        List<String> keys = (List<String>)
                browser.js(
                        "return Array.from(document.querySelectorAll('[data-testid=config-diff] tr[data-key]')).map(r => r.getAttribute('data-key'));");
        assertEquals(List.of("train.lr"), keys, "the two runs differ in their learning rate only");
        browser.driver.findElement(By.cssSelector("[data-testid=compare]")).click();
        browser.await("window.vivarium.marks.compareDrawn");
        String series = browser.driver
                .findElement(By.cssSelector("[data-testid=compare-charts] .chart"))
                .getAttribute("data-series");
        assertEquals(List.of("alpha", "gamma"), List.of(series.split("\n")));
        assertEquals(2L, browser.js("return window.vivarium.marks.compareSeries;"));
        browser.screenshot("compare");
        browser.assertNoConsoleErrors("compare page");
        // grouped by train.lr: alpha and beta (lr 1e-3) are one group whose mean is their mean
        browser.open(
                server.url() + "#/compare?ids=alpha,beta,gamma&metric=train_loss&group=train.lr&band=std&logx=0&logy=0",
                "window.vivarium.marks.compareDrawn");
        String grouped = browser.driver
                .findElement(By.cssSelector("[data-testid=compare-charts] .chart"))
                .getAttribute("data-series");
        assertTrue(grouped.startsWith("train.lr=0.001 (2)\nupper\nlower\ntrain.lr=0.002 (1)"), grouped);
        @SuppressWarnings("unchecked")
        List<List<Number>> data = (List<List<Number>>)
                browser.js(
                        "return document.querySelector('[data-testid=compare-charts] .chart').uplot.data.map(a => Array.from(a, v => v === null ? NaN : v));");
        int at = 20; // step 200: alpha 4/3, beta 2/3, mean 1, sample std sqrt(2)/3
        double step = data.get(0).get(at).doubleValue();
        assertEquals(200.0, step);
        assertEquals(1.0, data.get(1).get(at).doubleValue(), 1e-12, "group mean");
        assertEquals(1.0 + Math.sqrt(2) / 3, data.get(2).get(at).doubleValue(), 1e-12, "mean + std");
        assertEquals(1.0 - Math.sqrt(2) / 3, data.get(3).get(at).doubleValue(), 1e-12, "mean - std");
        browser.screenshot("compare-grouped");
        browser.assertNoConsoleErrors("grouped compare page");
    }

    @Test
    void aDamagedMetricLogIsAnErrorOnItsPageOnly() throws IOException {
        browser.consoleErrors();
        browser.open(server.url() + "#/run/hostile", "document.querySelector('[data-testid=error]')");
        String error = browser.driver
                .findElement(By.cssSelector("[data-testid=error]"))
                .getText();
        assertTrue(error.contains("line 6") && error.contains("metrics.jsonl"), error);
        assertEquals(
                "train_loss\ntest_loss",
                browser.driver.findElement(By.cssSelector("[data-chart=loss]")).getAttribute("data-series"),
                "the rows before the break are drawn");
        notPwned();
        browser.screenshot("hostile-run");
        browser.assertNoConsoleErrors("damaged run page");
        browser.open(
                server.url() + "#/runs", "document.querySelectorAll('table[data-testid=runs] tbody tr').length >= 5");
        browser.open(
                server.url() + "#/run/beta",
                "window.vivarium.marks.runDone && document.querySelector('[data-chart=loss]')");
        assertEquals(
                0,
                browser.driver
                        .findElements(By.cssSelector("[data-testid=error]"))
                        .size());
        browser.assertNoConsoleErrors("pages after the damaged one");
    }

    @Test
    void aSweepHasCountsAHeatmapOverTwoAxesAndALineAgainstOne() throws IOException {
        browser.consoleErrors();
        browser.open(server.url() + "#/sweeps", "document.querySelector('table[data-testid=sweeps]')");
        browser.driver.findElement(By.linkText("phase")).click();
        browser.await(
                "document.querySelector('[data-testid=heatmap] canvas') && document.querySelector('[data-testid=sweep-line] .chart')");
        assertEquals(
                "COMPLETED 8",
                browser.driver
                        .findElement(By.cssSelector("[data-testid=sweep-counts]"))
                        .getText());
        assertEquals(
                "4",
                browser.driver
                        .findElement(By.cssSelector("[data-testid=heatmap] canvas"))
                        .getAttribute("data-cells"));
        assertEquals(
                8,
                browser.driver
                                .findElements(By.cssSelector("table[data-testid=points] tr"))
                                .size()
                        - 1);
        // the line against train.lr: the mean over weight decays and seeds at each learning rate
        @SuppressWarnings("unchecked")
        List<List<Number>> data = (List<List<Number>>) browser.js(
                "return document.querySelector('[data-testid=sweep-line] .chart').uplot.data.map(a => Array.from(a));");
        assertEquals(0.001, data.get(0).get(0).doubleValue(), 1e-15);
        assertEquals(0.1 + (0.1 + 1.0) / 2 + 0.0005, data.get(1).get(0).doubleValue(), 1e-9, "mean at lr 1e-3");
        browser.screenshot("sweep");
        browser.assertNoConsoleErrors("sweep page");
    }

    @Test
    void aReportFileDrawsTheSameFiguresOfflineFromOneFile() throws IOException {
        String html = new Report(server.api()).run("alpha");
        Path file = dir.resolve("report.html");
        Files.writeString(file, html);
        assertFalse(html.contains("src=\"assets/") || html.contains("href=\"assets/"), "no reference to the server");
        browser.consoleErrors();
        browser.open(file.toUri().toString(), "window.vivarium.marks.runDone");
        assertEquals(
                "train_loss\ntest_loss",
                browser.driver.findElement(By.cssSelector("[data-chart=loss]")).getAttribute("data-series"));
        assertEquals(
                "12",
                browser.driver
                        .findElement(By.cssSelector("[data-analysis=fourier] canvas"))
                        .getAttribute("data-bars"));
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> fetched = (List<Map<String, Object>>)
                browser.js("return performance.getEntriesByType('resource').map(e => ({name: e.name}));");
        for (Map<String, Object> e : fetched) {
            String name = String.valueOf(e.get("name"));
            assertTrue(name.startsWith("data:"), "the report loaded " + name);
        }
        assertEquals(
                Boolean.TRUE,
                browser.js(
                        "const i = document.querySelector('[data-analysis=fourier] img'); return i.complete && i.naturalWidth === 40 && i.src.startsWith('data:image/png;base64,');"));
        browser.screenshot("report");
        browser.assertNoConsoleErrors("report");
    }
}

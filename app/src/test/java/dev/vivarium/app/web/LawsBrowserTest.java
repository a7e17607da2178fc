package dev.vivarium.app.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vivarium.laws.predict.Forecast;
import dev.vivarium.laws.predict.Prediction;
import dev.vivarium.laws.predict.PredictionRegistry;
import dev.vivarium.laws.predict.Score;
import dev.vivarium.laws.predict.Target;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

/**
 * The predictions page in headless Chromium ({@link Browser}) against a study ledger written by the laws
 * module's registry: no console error, a row a prediction with the registry's scores, a hostile note shown as
 * text, the calibration rows with their counts. Screenshot {@code target/screenshots/predictions.png}.
 */
class LawsBrowserTest {
    @TempDir
    static Path dir;

    static Dashboard server;
    static Browser browser;
    static Score hit;
    static Score miss;

    @BeforeAll
    static void start() throws IOException {
        Browser.assumeInstalled();
        Path sweeps = Files.createDirectories(dir.resolve("sweeps"));
        PredictionRegistry reg = new PredictionRegistry(Files.createDirectories(sweeps.resolve("studies/teacher")));
        Target t = new Target("teacher", Map.of("model.width", "16"), "test_loss", Target.Reduction.FINAL);
        Prediction a = reg.register(new Prediction.Draft(
                "me", List.of("s"), t, new Forecast.Range(5e-4, 1.3e-3, 0.9), "<img src=x onerror=window.pwned=1>"));
        Prediction b = reg.register(
                new Prediction.Draft("me", List.of("s"), t, new Forecast.Range(1e-3, 2e-3, 0.9), "outside"));
        reg.register(new Prediction.Draft(
                "me", List.of("s"), t, new Forecast.Event(Forecast.Comparison.LT, 0.1, 0.8), "open"));
        hit = Score.of(a, reg.resolve(a.id(), 7.7e-4, List.of(), true));
        miss = Score.of(b, reg.resolve(b.id(), 5e-4, List.of(), true));
        server = Dashboard.start(new RunCatalog(null, sweeps), "127.0.0.1", 0);
        browser = Browser.start(dir.resolve("profile"), 1400, 900);
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
    void theScoreboardListsThePredictionsWithTheirScores() throws IOException {
        browser.consoleErrors();
        browser.open(
                server.url() + "#/predictions",
                "document.querySelectorAll('table[data-testid=scoreboard] tr').length === 4");
        List<WebElement> rows = browser.driver.findElements(By.cssSelector("table[data-testid=scoreboard] tr"));
        String first = rows.get(1).getText();
        assertEquals(hit.prediction().id(), rows.get(1).getAttribute("data-id"));
        assertTrue(first.contains("hit"), first);
        assertTrue(first.contains(toPrecision4(hit.interval())), first);
        String second = rows.get(2).getText();
        assertTrue(second.contains("miss") && second.contains(toPrecision4(miss.interval())), second);
        assertTrue(rows.get(3).getText().contains("open"), rows.get(3).getText());
        assertEquals(0L, browser.js("return document.querySelectorAll('main img, main script').length;"));
        assertEquals(null, browser.js("return window.pwned === undefined ? null : window.pwned;"));
        String cal = browser.driver
                .findElement(By.cssSelector("table[data-testid=calibration]"))
                .getText();
        assertTrue(cal.contains("interval") && cal.contains("0.5000"), cal);
        browser.screenshot("predictions");
        browser.assertNoConsoleErrors("predictions page");
    }

    /** JavaScript's {@code Number(v).toPrecision(4)}, as the page writes a score. */
    static String toPrecision4(double v) {
        return String.valueOf(browser.js("return Number(arguments[0]).toPrecision(4);", v));
    }
}

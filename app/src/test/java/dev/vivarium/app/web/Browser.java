package dev.vivarium.app.web;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.logging.Level;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Debian's headless Chromium driven through its chromedriver, both named by path (Selenium Manager never runs,
 * nothing is downloaded), with a fresh profile and every background network feature off. Absent, the tests
 * that need it are skipped, unless {@code VIVARIUM_REQUIRE_CHROMIUM=1} (CI), when they fail.
 */
final class Browser implements AutoCloseable {
    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

    final ChromeDriver driver;
    final WebDriverWait wait;

    private Browser(ChromeDriver driver) {
        this.driver = driver;
        this.wait = new WebDriverWait(driver, Duration.ofSeconds(30));
    }

    /** Skips the calling test when Chromium is absent, or fails it if CI requires Chromium. */
    static void assumeInstalled() {
        boolean here = Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
        if (!"1".equals(System.getenv("VIVARIUM_REQUIRE_CHROMIUM"))) {
            Assumptions.assumeTrue(
                    here,
                    "Debian's chromium and chromium-driver are not installed"
                            + " (apt-get install chromium chromium-driver)");
        }
        if (!here) {
            fail("VIVARIUM_REQUIRE_CHROMIUM=1 but " + CHROMIUM + " or " + CHROMEDRIVER + " is missing");
        }
    }

    /** A new headless browser with its own profile under {@code profile}. */
    static Browser start(Path profile, int width, int height) throws IOException {
        Files.createDirectories(profile);
        System.setProperty("webdriver.chrome.driver", CHROMEDRIVER.toString());
        ChromeOptions o = new ChromeOptions();
        o.setBinary(CHROMIUM.toFile());
        o.addArguments(
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--no-first-run",
                "--disable-sync",
                "--disable-quic",
                "--disable-dev-shm-usage",
                "--user-data-dir=" + profile.toAbsolutePath(),
                "--window-size=" + width + "," + height);
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        o.setCapability("goog:loggingPrefs", logs);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(CHROMEDRIVER.toString()))
                .usingAnyFreePort()
                .build();
        return new Browser(new ChromeDriver(service, o));
    }

    /** Opens {@code url} and waits until {@code ready} (a JavaScript expression) is true. */
    void open(String url, String ready) {
        driver.get(url);
        await(ready);
    }

    /** Waits until the JavaScript expression {@code ready} is true. */
    void await(String ready) {
        wait.until(d -> Boolean.TRUE.equals(driver.executeScript("return !!(" + ready + ");")));
    }

    Object js(String script, Object... args) {
        return driver.executeScript(script, args);
    }

    /** The console's errors since the last call (each read empties the browser's log). */
    List<String> consoleErrors() {
        return driver.manage().logs().get(LogType.BROWSER).getAll().stream()
                .filter(e -> e.getLevel().intValue() >= Level.SEVERE.intValue())
                .map(LogEntry::getMessage)
                .collect(Collectors.toList());
    }

    void assertNoConsoleErrors(String page) {
        List<String> errors = consoleErrors();
        assertTrue(errors.isEmpty(), page + ": console errors " + errors);
    }

    /** Saves a screenshot as {@code target/screenshots/NAME.png} (for a person to look at). */
    Path screenshot(String name) throws IOException {
        Path dir = Files.createDirectories(Path.of("target", "screenshots"));
        Path f = dir.resolve(name + ".png");
        Files.write(f, driver.getScreenshotAs(OutputType.BYTES));
        return f;
    }

    @Override
    public void close() {
        driver.quit();
    }
}

// The dashboard's benchmarks, run by bench/dashboard.sh as a single-file Java program on the CLI's classpath
// (java -cp "app/target/vivarium-app-*.jar:app/target/lib/*" bench/DashboardBench.java DIR):
//   1. metric logging: rows appended through store's MetricLog, points (values) per second;
//   2. the runs list of 1,000 runs: GET /api/runs, cold and warm (the catalog's mtime-keyed cache);
//   3. the compare page with 100 runs x 10,000 logged steps overlaid, in headless Chromium driven through
//      chromedriver's own HTTP protocol (W3C WebDriver; no Selenium on this classpath): the page's own
//      performance.now() when the chart has painted (navigation start to the frame after drawing).
// Nothing here is a test: it prints figures. Fixtures are written under DIR (reused when present).
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vivarium.app.web.Dashboard;
import dev.vivarium.app.web.RunCatalog;
import dev.vivarium.store.run.MetricLog;
import dev.vivarium.store.run.RunDir;
import dev.vivarium.store.run.RunState;
import dev.vivarium.store.run.RunStatus;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Random;

public class DashboardBench {
    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args.length > 0 ? args[0] : "/tmp/vivarium-dashboard-bench");
        int bigRuns = Integer.getInteger("runs", 100);
        int steps = Integer.getInteger("steps", 10_000);
        int listRuns = Integer.getInteger("listRuns", 1000);
        Files.createDirectories(dir);
        metricLogging(dir.resolve("logging"));
        Path big = dir.resolve("compare-runs");
        if (!Files.isDirectory(big) || Files.list(big).count() != bigRuns) {
            write(big, bigRuns, steps, "big");
        }
        Path many = dir.resolve("list-runs");
        if (!Files.isDirectory(many) || Files.list(many).count() != listRuns) {
            write(many, listRuns, 100, "small");
        }
        runsList(many, listRuns);
        compare(big, bigRuns, steps, dir.resolve("chromium-profile"));
    }

    /** A row as training logs it: 16 values besides the step. */
    static Map<String, Number> row(long step, Random rng) {
        Map<String, Number> r = new LinkedHashMap<>();
        r.put("step", step);
        double t = step / 1000.0;
        r.put("train_loss", 4.1 * Math.exp(-t) + 1e-3 * rng.nextDouble());
        r.put("test_loss", 4.2 * Math.exp(-t / 3) + 1e-3 * rng.nextDouble());
        r.put("train_acc", Math.min(1, t / 3));
        r.put("test_acc", Math.min(1, t / 9));
        r.put("lr", 1e-3);
        r.put("grad_norm", 0.1 / (1 + t) * (1 + 0.1 * rng.nextGaussian()));
        r.put("weight_norm", 40 + t);
        for (String p : new String[] {"embed.W_E", "pos_embed.W_pos", "blocks.0.attn.W_Q", "blocks.0.attn.W_K",
            "blocks.0.attn.W_V", "blocks.0.attn.W_O", "blocks.0.mlp.W_in", "blocks.0.mlp.W_out"}) {
            r.put("norm." + p, 10 + t * rng.nextDouble());
        }
        r.put("wall_s", 0.046 * step + 1);
        return r;
    }

    static void metricLogging(Path dir) throws IOException {
        Files.createDirectories(dir);
        Random rng = new Random(1);
        int rows = 200_000;
        List<Map<String, Number>> prepared = new ArrayList<>(rows);
        for (int i = 0; i < rows; i++) {
            prepared.add(row(i, rng));
        }
        int points = (prepared.get(0).size() - 1) * rows;
        for (int rep = 0; rep < 4; rep++) {
            Path f = dir.resolve("metrics.jsonl");
            Files.deleteIfExists(f);
            long t0 = System.nanoTime();
            try (MetricLog log = new MetricLog(f)) {
                for (Map<String, Number> r : prepared) {
                    log.append(r);
                }
                log.force();
            }
            double s = (System.nanoTime() - t0) / 1e9;
            System.out.printf(Locale.ROOT,
                    "metric logging   rep %d: %,d rows of %d values appended in %.3f s: %.2f M points/s, %.0f k rows/s (%d MB)%n",
                    rep, rows, prepared.get(0).size() - 1, s, points / s / 1e6, rows / s / 1e3, Files.size(f) >> 20);
        }
    }

    static void write(Path root, int runs, int steps, String kind) throws IOException {
        long t0 = System.nanoTime();
        Files.createDirectories(root);
        for (int k = 0; k < runs; k++) {
            RunDir run = RunDir.create(root.resolve(String.format("%s-%04d", kind, k)));
            run.writeConfig("name: bench\nseed: " + k + "\ntrain:\n  lr: " + (1e-3 * (1 + k % 5)) + "\n  steps: "
                    + steps + "\n");
            Instant started = Instant.parse("2026-01-01T00:00:00Z").plusSeconds(k);
            run.writeStatus(new RunStatus(RunState.COMPLETED, "bench", 0, "bench", started, started.plusSeconds(60),
                    steps, steps, Optional.empty()));
            Random rng = new Random(k);
            try (MetricLog log = new MetricLog(run.metricsFile())) {
                for (int s = 0; s < steps; s++) {
                    log.append(row(s, rng));
                }
            }
        }
        System.out.printf(Locale.ROOT, "fixtures: %d runs x %d steps under %s in %.1f s%n", runs, steps, root,
                (System.nanoTime() - t0) / 1e9);
    }

    static String get(String url) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(url)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IllegalStateException(url + ": HTTP " + r.statusCode() + " " + r.body());
        }
        return r.body();
    }

    static void runsList(Path root, int expected) throws Exception {
        try (Dashboard d = Dashboard.start(new RunCatalog(root, null), "127.0.0.1", 0)) {
            String url = d.url() + "api/runs";
            long t0 = System.nanoTime();
            String body = get(url);
            double cold = (System.nanoTime() - t0) / 1e6;
            int n = JSON.readTree(body).get("runs").size();
            if (n != expected) {
                throw new IllegalStateException("listed " + n + " runs, expected " + expected);
            }
            for (int i = 0; i < 5; i++) {
                get(url);
            }
            double[] warm = new double[30];
            for (int i = 0; i < warm.length; i++) {
                long t = System.nanoTime();
                get(url);
                warm[i] = (System.nanoTime() - t) / 1e6;
            }
            Arrays.sort(warm);
            System.out.printf(Locale.ROOT,
                    "runs list        %d runs: cold %.0f ms; warm median %.1f ms, p90 %.1f ms, max %.1f ms (%d kB)%n",
                    n, cold, warm[warm.length / 2], warm[(int) (warm.length * 0.9)], warm[warm.length - 1],
                    body.length() / 1024);
        }
    }

    // ---- the browser, through chromedriver's W3C WebDriver HTTP protocol ----

    static JsonNode post(String url, Object body) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(url))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)))
                .timeout(Duration.ofSeconds(120))
                .build(), HttpResponse.BodyHandlers.ofString());
        JsonNode n = JSON.readTree(r.body());
        if (r.statusCode() != 200) {
            throw new IllegalStateException(url + ": " + r.body());
        }
        return n.get("value");
    }

    static void compare(Path root, int runs, int steps, Path profile) throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Process driver = new ProcessBuilder("/usr/bin/chromedriver", "--port=" + port)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        String wd = "http://127.0.0.1:" + port;
        try (Dashboard d = Dashboard.start(new RunCatalog(root, null), "127.0.0.1", 0)) {
            for (int i = 0; i < 100; i++) {
                try {
                    get(wd + "/status");
                    break;
                } catch (IOException e) {
                    Thread.sleep(100);
                }
            }
            Files.createDirectories(profile);
            Map<String, Object> chrome = Map.of(
                    "binary", "/usr/bin/chromium",
                    "args", List.of("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                            "--disable-component-update", "--no-first-run", "--disable-sync", "--disable-quic",
                            "--disable-dev-shm-usage", "--window-size=1400,1000",
                            "--user-data-dir=" + profile.toAbsolutePath()));
            JsonNode session = post(wd + "/session",
                    Map.of("capabilities", Map.of("alwaysMatch", Map.of("browserName", "chrome", "goog:chromeOptions", chrome))));
            String sid = session.get("sessionId").asText();
            String base = wd + "/session/" + sid;
            List<String> ids = new ArrayList<>();
            try (var s = Files.list(root)) {
                s.map(p -> p.getFileName().toString()).sorted().forEach(ids::add);
            }
            String page = d.url() + "#/compare?ids=" + String.join(",", ids) + "&metric=train_loss";
            try {
                for (int rep = 0; rep < 4; rep++) {
                    post(base + "/url", Map.of("url", "about:blank"));
                    post(base + "/url", Map.of("url", page));
                    JsonNode marks = null;
                    for (int i = 0; i < 600; i++) {
                        marks = post(base + "/execute/sync", Map.of("script",
                                "return window.vivarium && window.vivarium.marks.compareDrawn ? window.vivarium.marks : null;",
                                "args", List.of()));
                        if (marks != null && !marks.isNull()) {
                            break;
                        }
                        Thread.sleep(50);
                    }
                    if (marks == null || marks.isNull()) {
                        throw new IllegalStateException("the compare page did not draw within 30 s");
                    }
                    System.out.printf(Locale.ROOT,
                            "compare page     %d runs x %,d steps, %s server cache: chart painted %.0f ms after navigation"
                                    + " (data fetched at %.0f ms after the script started), %d series drawn%n",
                            runs, steps, rep == 0 ? "cold" : "warm", marks.get("compareDrawn").asDouble(),
                            marks.get("compareFetched").asDouble(), marks.get("compareSeries").asInt());
                }
            } finally {
                HTTP.send(HttpRequest.newBuilder(URI.create(base)).DELETE().build(), HttpResponse.BodyHandlers.ofString());
            }
        } finally {
            driver.destroy();
        }
    }
}

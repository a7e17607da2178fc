package dev.vivarium.app.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vivarium.store.run.RunDir;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dashboard is read-only and serves only files of the runs it lists, tested with requests written byte for
 * byte on a socket (no client that would normalise the path first): {@code ..}, its encoded forms, absolute
 * paths and symbolic links out of a run are refused without the outside file's content; a damaged metric log
 * is reported on its run while the rest of the dashboard answers.
 */
class WebSecurityTest {
    private static final String SECRET = "TOP-SECRET-CONTENT-4711";

    @TempDir
    static Path dir;

    static Path runs;
    static Path outside;
    static Dashboard server;

    @BeforeAll
    static void start() throws IOException {
        runs = Files.createDirectories(dir.resolve("root/runs"));
        Path sweeps = Files.createDirectories(dir.resolve("root/sweeps"));
        outside = dir.resolve("secret.txt");
        Files.writeString(outside, SECRET);
        RunDir good = WebFixtures.run(runs, "good", 1e-3, 20);
        Files.writeString(good.analysesDir().resolve("note.json"), "{\"ok\": 1}");
        Files.createSymbolicLink(good.analysesDir().resolve("link.png"), outside);
        Files.createDirectories(dir.resolve("elsewhere"));
        Files.writeString(dir.resolve("elsewhere/inner.json"), "{\"s\": \"" + SECRET + "\"}");
        Files.createSymbolicLink(good.analysesDir().resolve("away"), dir.resolve("elsewhere"));
        // a run directory that is itself a link out of the folder is not listed
        Files.createSymbolicLink(runs.resolve("linked"), good.root());
        // damaged logs: a garbage line in the middle, and a completed run cut mid-line
        RunDir hostile = WebFixtures.run(runs, "hostile", 2e-3, 20);
        insertGarbage(hostile.metricsFile(), 7, "{\"step\": 65, \"train_loss\": [1, 2, {\"x\":");
        RunDir torn = WebFixtures.run(runs, "torn", 3e-3, 20);
        byte[] b = Files.readAllBytes(torn.metricsFile());
        Files.write(torn.metricsFile(), java.util.Arrays.copyOf(b, b.length - 9));
        server = Dashboard.start(new RunCatalog(runs, sweeps), "127.0.0.1", 0);
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    private static void insertGarbage(Path file, int afterLine, String garbage) throws IOException {
        java.util.List<String> lines = new java.util.ArrayList<>(Files.readAllLines(file));
        lines.add(afterLine, garbage);
        Files.write(file, lines);
    }

    /** Status code and body of a request sent exactly as written. */
    static String[] raw(String method, String target, String host) throws IOException {
        try (Socket s = new Socket("127.0.0.1", server.port())) {
            s.setSoTimeout(10_000);
            OutputStream o = s.getOutputStream();
            o.write((method + " " + target + " HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            o.flush();
            InputStream in = s.getInputStream();
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            in.transferTo(all);
            String text = all.toString(StandardCharsets.UTF_8);
            String status = text.isEmpty() ? "none" : text.substring(9, 12);
            int body = text.indexOf("\r\n\r\n");
            return new String[] {status, body < 0 ? "" : text.substring(body + 4)};
        }
    }

    static String[] get(String target) throws IOException {
        return raw("GET", target, "127.0.0.1:" + server.port());
    }

    private static void refused(String target) throws IOException {
        String[] r = get(target);
        assertNotEquals("200", r[0], target + " was served: " + r[1]);
        assertFalse(r[1].contains(SECRET), target + " leaked the outside file");
    }

    @Test
    void aFileOfARunIsServed() throws IOException {
        String[] r = get("/api/file?id=good&path=analyses/note.json");
        assertEquals("200", r[0], r[1]);
        assertTrue(r[1].contains("\"ok\""), r[1]);
        assertEquals("200", get("/api/analysis?id=good&name=note.json")[0]);
    }

    @Test
    void traversalEncodedTraversalAndAbsolutePathsAreRefused() throws IOException {
        String abs = outside.toAbsolutePath().toString();
        for (String t : new String[] {
            "/api/file?id=good&path=../../../secret.txt",
            "/api/file?id=good&path=analyses/../../../../secret.txt",
            "/api/file?id=good&path=%2e%2e/%2e%2e/%2e%2e/secret.txt",
            "/api/file?id=good&path=%2E%2E%2F%2E%2E%2F%2E%2E%2Fsecret.txt",
            "/api/file?id=good&path=..%5C..%5C..%5Csecret.txt",
            "/api/file?id=good&path=" + abs,
            "/api/file?id=good&path=%2F" + abs.substring(1).replace("/", "%2F"),
            "/api/file?id=good&path=analyses%2F..%2F..%2F..%2Fsecret.txt%00.png",
            "/api/file?id=..&path=secret.txt",
            "/api/file?id=..%2F..&path=secret.txt",
            "/api/file?id=" + dir.toAbsolutePath() + "&path=secret.txt",
            "/api/analysis?id=good&name=../../../secret.txt",
            "/api/analysis?id=good&name=%2e%2e%2f%2e%2e%2f%2e%2e%2fsecret.txt",
            "/api/run?id=../good",
            "/assets/../../../../../../etc/passwd",
            "/assets/%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
            "/assets/..%2f..%2f..%2f..%2fetc%2fpasswd",
            "/../../../../../../" + abs.substring(1),
            "/%2e%2e/%2e%2e/%2e%2e/%2e%2e/%2e%2e/" + abs.substring(1),
        }) {
            refused(t);
        }
        assertFalse(get("/assets/..%2f..%2f..%2f..%2fetc%2fpasswd")[1].contains("root:"), "/etc/passwd served");
    }

    @Test
    void symbolicLinksOutOfARunAreNotFollowed() throws IOException {
        refused("/api/file?id=good&path=analyses/link.png");
        refused("/api/file?id=good&path=analyses/away/inner.json");
        refused("/api/analysis?id=good&name=away/inner.json");
        refused("/api/run?id=linked");
        String runs = get("/api/runs")[1];
        assertFalse(runs.contains("\"linked\""), "a linked run directory is listed: " + runs);
        assertFalse(get("/api/run?id=good")[1].contains("link.png"), "a link is listed among the analyses");
    }

    @Test
    void onlyReadsAreAnsweredAndOnlyForThisServersName() throws IOException {
        for (String m : new String[] {"POST", "PUT", "DELETE", "PATCH"}) {
            assertEquals("405", raw(m, "/api/runs", "127.0.0.1:" + server.port())[0], m);
        }
        String[] rebound = raw("GET", "/api/runs", "attacker.example:" + server.port());
        assertEquals("403", rebound[0], "a request through another name (DNS rebinding) is refused");
        assertFalse(rebound[1].contains("good"));
        assertEquals("200", raw("GET", "/api/runs", "localhost:" + server.port())[0]);
    }

    @Test
    void aDamagedMetricLogIsReportedOnItsRunAndTheRestAnswers() throws IOException {
        String[] m = get("/api/metrics?id=hostile");
        assertEquals("200", m[0], m[1]);
        assertTrue(m[1].contains("line 8"), "the problem names the line: " + m[1]);
        assertTrue(m[1].contains("\"rows\":7"), "the rows before the break are drawn: " + m[1]);
        String[] t = get("/api/metrics?id=torn");
        assertTrue(t[1].contains("torn line"), t[1]);
        String[] list = get("/api/runs");
        assertEquals("200", list[0]);
        for (String id : new String[] {"good", "hostile", "torn"}) {
            assertTrue(list[1].contains("\"id\":\"" + id + "\""), id + " missing from " + list[1]);
        }
        assertEquals("200", get("/api/metrics?id=good")[0]);
        assertEquals("404", get("/api/metrics?id=nope")[0]);
        assertEquals("400", get("/api/metrics?id=good&buckets=-3")[0]);
    }
}

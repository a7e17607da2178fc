package dev.vivarium.laws.ledger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Two processes, and two threads, appending at once never fork the chain: the lock orders them. */
class LedgerConcurrencyTest {

    @Test
    void twoProcessesAppendingAtOnceKeepOneChain(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("x.ledger");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<Process> processes = new ArrayList<>();
        for (String who : List.of("p1", "p2")) {
            processes.add(new ProcessBuilder(
                            java,
                            "-cp",
                            System.getProperty("java.class.path"),
                            LedgerAppender.class.getName(),
                            file.toString(),
                            who,
                            "25")
                    .inheritIO()
                    .start());
        }
        for (Process p : processes) {
            assertTrue(p.waitFor(120, TimeUnit.SECONDS), "appender did not finish");
            assertEquals(0, p.exitValue());
        }
        LedgerCheck check = new Ledger(file, Clock.systemUTC()).check();
        assertEquals(List.of(), check.problems());
        assertEquals(50, check.entries().size());
        assertEquals(
                25,
                check.entries().stream()
                        .filter(e -> e.body().path("who").asText().equals("p1"))
                        .count());
    }

    @Test
    void twoThreadsOfOneProcessWaitForEachOther(@TempDir Path dir) throws Exception {
        Ledger ledger = new Ledger(dir.resolve("x.ledger"), Clock.systemUTC());
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 2; t++) {
            Thread th = new Thread(() -> {
                for (int i = 0; i < 20; i++) {
                    ledger.append("note", check -> java.util.Map.of("i", 1));
                }
            });
            threads.add(th);
            th.start();
        }
        for (Thread th : threads) {
            th.join();
        }
        LedgerCheck check = ledger.check();
        assertEquals(List.of(), check.problems());
        assertEquals(40, check.entries().size());
    }
}

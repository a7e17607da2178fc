package dev.vivarium.core.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.vivarium.core.model.Model;
import dev.vivarium.core.recipe.Recipe;
import dev.vivarium.core.recipe.RecipeException;
import dev.vivarium.core.recipe.RecipeLoader;
import dev.vivarium.store.run.MetricLog;
import dev.vivarium.store.run.RunDir;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Thousands of generated hostile inputs — mutated checkpoints, recipes, metric logs, status files and split
 * files, each made from a real one by seeded random mutations — fed to the readers that commands use. For each
 * input: the reader succeeds or throws one of the errors the command line reports as one line (an
 * IOException, an IllegalArgumentException, a RecipeException) whose message is one line; nothing else escapes
 * (no NullPointerException, no ArithmeticException, no OutOfMemoryError); and no file but the input changes.
 */
class HostileInputFuzzTest {
    static final int PER_KIND = 800;
    static final long SEED = 20261201L;

    @TempDir
    static Path dir;

    static RunDir run;
    static byte[] checkpoint;
    static byte[] recipe;
    static byte[] metrics;
    static byte[] status;
    static byte[] split;

    @BeforeAll
    static void aRealRun() throws IOException {
        Recipe r =
                RecipeLoader.load(TestRuns.recipe("tiny-modular.yaml"), List.of("train.steps=20", "train.logEvery=5"));
        run = Experiment.start(r, dir, Optional.of("real"), List.of());
        checkpoint = Files.readAllBytes(run.checkpointFile(20));
        recipe = Files.readAllBytes(TestRuns.projectFile("recipes/grokking.yaml"));
        metrics = Files.readAllBytes(run.metricsFile());
        status = Files.readAllBytes(run.statusFile());
        split = Files.readAllBytes(run.splitFile());
    }

    private interface Reader {
        void read(Path input) throws Exception;
    }

    @Test
    void everyMutatedInputIsReadOrRefusedInOneLine() throws Exception {
        Recipe r = RecipeLoader.load(run.configFile(), List.of());
        long t0 = System.nanoTime();
        int[] outcome = new int[2]; // accepted, refused
        try (Workbench bench = Workbench.open(r, Optional.empty())) {
            Model model = bench.model();
            Path victim = dir.resolve("real/checkpoints/step_00000020.safetensors");
            fuzz("checkpoint", checkpoint, victim, f -> Checkpoints.loadWeights(f, model), outcome);
        }
        fuzz(
                "recipe",
                recipe,
                dir.resolve("hostile.yaml"),
                f -> Footprint.of(RecipeLoader.load(f, List.of())),
                outcome);
        fuzz(
                "metric log",
                metrics,
                run.metricsFile(),
                f -> {
                    MetricLog log = new MetricLog(f);
                    MetricLog.Contents c = log.readValid();
                    assertEquals(
                            c.problem().isPresent(),
                            threw(x -> log.read()),
                            "read() refuses exactly when readValid() reports");
                },
                outcome);
        fuzz("status", status, run.statusFile(), f -> run.readStatus(), outcome);
        fuzz("split", split, run.splitFile(), f -> Splits.read(run, 23 * 23), outcome);
        double seconds = (System.nanoTime() - t0) / 1e9;
        System.out.printf(
                "fuzz: %d hostile inputs (%d per kind), %d read, %d refused in one line, %.1f s%n",
                outcome[0] + outcome[1], PER_KIND, outcome[0], outcome[1], seconds);
        assertTrue(outcome[1] > PER_KIND * 5 / 2, "most mutations must be refused, else the mutations are too weak");
    }

    private static boolean threw(Reader r) {
        try {
            r.read(null);
            return false;
        } catch (Exception e) {
            return true;
        }
    }

    private static void fuzz(String kind, byte[] original, Path input, Reader reader, int[] outcome) throws Exception {
        SplittableRandom random = new SplittableRandom(SEED ^ kind.hashCode());
        Map<Path, String> before = snapshot(input);
        for (int i = 0; i < PER_KIND; i++) {
            byte[] bytes = Mutations.mutate(original, random);
            Files.write(input, bytes);
            try {
                reader.read(input);
                outcome[0]++;
            } catch (IOException | IllegalArgumentException | IllegalStateException | RecipeException e) {
                outcome[1]++;
                String m = e.getMessage();
                assertTrue(m != null && !m.isBlank(), kind + " #" + i + ": an error without a message: " + e);
                assertFalse(m.contains("\n"), kind + " #" + i + ": more than one line: " + m);
                if (!(e instanceof RecipeException) || !m.startsWith("--set")) {
                    assertTrue(
                            m.contains(input.getFileName().toString()) || m.contains(input.toString()),
                            kind + " #" + i + ": the error does not name the file: " + m);
                }
            } catch (Throwable t) {
                fail(
                        kind + " #" + i + ": " + t + " escaped for input "
                                + HexFormat.of().formatHex(bytes, 0, Math.min(bytes.length, 64)),
                        t);
            }
        }
        Files.write(input, original);
        assertEquals(before, snapshot(input), kind + ": a file other than the input changed");
    }

    /** Every file under the test folder but the input, by content hash. */
    private static Map<Path, String> snapshot(Path except) throws Exception {
        Map<Path, String> m = new TreeMap<>();
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                if (Files.isRegularFile(p)
                        && !p.equals(except)
                        && !p.getFileName().toString().equals("status.json")) {
                    m.put(p, HexFormat.of().formatHex(sha.digest(Files.readAllBytes(p))));
                }
            }
        }
        return m;
    }

    /** Seeded mutations of a real file: byte flips, cuts, splices, repeats, and hostile text. */
    static final class Mutations {
        private static final String[] TEXT = {
            "\u0000",
            "\"",
            "{",
            "}",
            "[",
            "]",
            ":",
            ",",
            "\n",
            "- ",
            "&a ",
            "*a",
            "!!binary ",
            "\t",
            "NaN",
            "-1",
            "1e309",
            "99999999999999999999",
            "\u00e9",
            "\ud83d\ude00",
            "---\n",
            "...",
            "\"step\":",
            "null",
            "true",
            "kind: ",
            "p: ",
            "<<: *a",
            "? ",
            "%YAML 1.1\n",
            "'",
            "#",
        };

        static byte[] mutate(byte[] b, SplittableRandom r) {
            byte[] out = b.clone();
            int n = 1 + r.nextInt(4);
            for (int k = 0; k < n; k++) {
                out = once(out, r);
            }
            return out;
        }

        private static byte[] once(byte[] b, SplittableRandom r) {
            if (b.length == 0) {
                return TEXT[r.nextInt(TEXT.length)].getBytes(StandardCharsets.UTF_8);
            }
            int at = r.nextInt(b.length);
            switch (r.nextInt(7)) {
                case 0: { // flip a byte
                    byte[] c = b.clone();
                    c[at] ^= (byte) (1 + r.nextInt(255));
                    return c;
                }
                case 1: // cut the tail
                    return java.util.Arrays.copyOf(b, at);
                case 2: { // cut a piece out
                    int len = Math.min(b.length - at, 1 + r.nextInt(64));
                    byte[] c = new byte[b.length - len];
                    System.arraycopy(b, 0, c, 0, at);
                    System.arraycopy(b, at + len, c, at, b.length - at - len);
                    return c;
                }
                case 3: { // repeat a piece
                    int len = Math.min(b.length - at, 1 + r.nextInt(256));
                    byte[] c = new byte[b.length + len];
                    System.arraycopy(b, 0, c, 0, at + len);
                    System.arraycopy(b, at, c, at + len, b.length - at);
                    return c;
                }
                case 4: { // insert hostile text
                    byte[] t = TEXT[r.nextInt(TEXT.length)].getBytes(StandardCharsets.UTF_8);
                    byte[] c = new byte[b.length + t.length];
                    System.arraycopy(b, 0, c, 0, at);
                    System.arraycopy(t, 0, c, at, t.length);
                    System.arraycopy(b, at, c, at + t.length, b.length - at);
                    return c;
                }
                case 5: { // overwrite the first 8 bytes (a safetensors header length) with a random number
                    byte[] c = b.clone();
                    long v = r.nextInt(3) == 0 ? r.nextLong() : r.nextInt(Math.max(1, b.length * 2));
                    for (int i = 0; i < Math.min(8, c.length); i++) {
                        c[i] = (byte) (v >>> (8 * i));
                    }
                    return c;
                }
                default: { // replace a digit with another
                    byte[] c = b.clone();
                    for (int i = 0; i < c.length; i++) {
                        int j = (at + i) % c.length;
                        if (c[j] >= '0' && c[j] <= '9') {
                            c[j] = (byte) ('0' + r.nextInt(10));
                            break;
                        }
                    }
                    return c;
                }
            }
        }
    }
}

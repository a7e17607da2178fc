package dev.vivarium.store.io;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The JDK's file exceptions, raised for real, turned into one line that names the file and the reason. */
class ProblemsTest {
    @TempDir
    Path dir;

    @Test
    void realFileFailuresNameThePathAndTheReason() throws IOException {
        Path missing = dir.resolve("missing.txt");
        assertEquals(missing + ": not found", Problems.oneLine(caught(() -> Files.readString(missing))));
        Path there = Files.writeString(dir.resolve("there.txt"), "x");
        assertEquals(there + ": already exists", Problems.oneLine(caught(() -> Files.createFile(there))));
        Path tooLong = dir.resolve("n".repeat(300));
        assertEquals(
                tooLong + ": name too long (at most 255 bytes per name)",
                Problems.oneLine(caught(() -> Files.writeString(tooLong, "x"))));
        Path full = Path.of("/dev/full");
        Exception e = caught(() -> Files.write(full, new byte[1]));
        assertEquals("No space left on device", Problems.oneLine(e), "the JDK names no file here: callers must");
        assertEquals(
                missing + ": not found",
                Problems.oneLine(new UncheckedIOException(caught(() -> Files.readString(missing)))));
        assertEquals(
                "out of memory (Java heap space); use a smaller recipe, or give the JVM more with"
                        + " VIVARIUM_JAVA_OPTS=-Xmx...",
                Problems.oneLine(new OutOfMemoryError("Java heap space")));
        assertEquals("null pointer", Problems.oneLine(new NullPointerException()));
        assertEquals("a b", Problems.oneLine(new IllegalStateException("a\nb")));
    }

    private interface Io {
        void run() throws IOException;
    }

    private static IOException caught(Io io) {
        try {
            io.run();
        } catch (IOException e) {
            return e;
        }
        throw new AssertionError("no exception");
    }
}

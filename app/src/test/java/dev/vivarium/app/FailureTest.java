package dev.vivarium.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The one line each kind of failure becomes. Where the operating system can produce the failure (a
 * missing file, a name too long, a full disk), the test makes it do so and checks the line against the
 * file it used; the others are thrown by a stand-in command through the real command line.
 */
class FailureTest {

    @Test
    void fileErrorsSayWhatHappenedToWhichFile(@TempDir Path dir) throws IOException {
        Path missing = dir.resolve("missing.txt");
        IOException notFound = assertThrows(IOException.class, () -> Files.readString(missing));
        assertEquals(new Failure(missing + ": not found", 1), Failure.of(notFound, "vivarium show"));

        Path existing = Files.writeString(dir.resolve("here.txt"), "x");
        IOException exists = assertThrows(IOException.class, () -> Files.createFile(existing));
        assertEquals(new Failure(existing + ": already exists", 1), Failure.of(exists, "vivarium show"));

        Path tooLong = dir.resolve("n".repeat(300));
        FileSystemException longName = assertThrows(FileSystemException.class, () -> Files.createFile(tooLong));
        assertEquals(
                new Failure(tooLong + ": name too long (at most 255 bytes per name)", 1),
                Failure.of(longName, "vivarium plot"));

        // the class the JDK throws for a file this user may not open (root may open any, so it is made here)
        assertEquals(
                new Failure("/etc/shadow: permission denied", 1),
                Failure.of(new AccessDeniedException("/etc/shadow"), "vivarium show"));
    }

    @Test
    void aFullDiskIsSaidInWords() {
        // writing to /dev/full fails as a full disk does, and writes nothing anywhere
        IOException full = assertThrows(IOException.class, () -> Files.write(Path.of("/dev/full"), new byte[1]));
        Failure f = Failure.of(new UncheckedIOException(full), "vivarium run");
        assertEquals(1, f.exitCode());
        assertTrue(f.line().contains("no space left on device (disk full)"), f.line());
        assertTrue(f.line().contains("'vivarium run'"), f.line());
    }

    @Test
    void aWrapperAddsItsContextToTheCause(@TempDir Path dir) {
        Path status = dir.resolve("status.json");
        IOException cause = assertThrows(IOException.class, () -> Files.readString(status));
        Failure f = Failure.of(new UncheckedIOException("cannot read run " + dir, cause), "vivarium detect");
        assertEquals(new Failure("cannot read run " + dir + ": " + status + ": not found", 1), f);
    }

    @Test
    void badValuesAreUsageErrorsAndClassNamesNeverShow() {
        assertEquals(
                new Failure("--steps 0: must be >= 1", 2),
                Failure.of(new IllegalArgumentException("--steps 0: must be >= 1"), "x"));
        NumberFormatException nfe = assertThrows(NumberFormatException.class, () -> Integer.parseInt("ten"));
        assertEquals(new Failure("For input string: \"ten\"", 2), Failure.of(nfe, "x"));
        assertEquals("cannot parse: bad", Failure.clean("cannot parse: java.io.IOException: bad"));
        assertEquals("a number format problem", Failure.clean("a NumberFormatException problem"));
    }

    /** A command that throws what it is given, to drive the real handlers. */
    @Command(name = "boom")
    static final class Boom implements Callable<Integer> {
        final Throwable thrown;

        Boom(Throwable thrown) {
            this.thrown = thrown;
        }

        @Override
        public Integer call() throws Exception {
            if (thrown instanceof Error e) {
                throw e;
            }
            throw (Exception) thrown;
        }
    }

    /** Exit code and stderr of {@code vivarium boom} throwing {@code t}. */
    private static String[] boom(Throwable t, boolean debug) {
        CommandLine cl = Vivarium.commandLine(debug);
        cl.addSubcommand("boom", new Boom(t));
        StringWriter err = new StringWriter();
        cl.setErr(new PrintWriter(err));
        cl.setOut(new PrintWriter(new StringWriter()));
        return new String[] {String.valueOf(cl.execute("boom")), err.toString()};
    }

    @Test
    void everyThrowableIsOneErrorLine() {
        int zero = 0;
        ArithmeticException div = assertThrows(ArithmeticException.class, () -> System.out.println(1 / zero));
        String npeMessage = null;
        NullPointerException npe = assertThrows(NullPointerException.class, () -> npeMessage.length());
        Throwable[] all = {
            new OutOfMemoryError("Java heap space"),
            new StackOverflowError(),
            div,
            npe,
            new UncheckedIOException(new IOException("disk on fire")),
            new IllegalStateException("run x is still running"),
            new RuntimeException(),
            new NoClassDefFoundError("dev/vivarium/Gone"),
        };
        for (Throwable t : all) {
            String[] r = boom(t, false);
            String err = r[1];
            assertEquals(1, err.lines().count(), err);
            assertTrue(err.startsWith("error: "), err);
            assertTrue(!err.contains("Exception") && !err.contains("Error:") && !err.contains("\tat "), err);
            assertEquals("1", r[0], err);
        }
        assertTrue(
                boom(all[0], false)[1].startsWith(
                        "error: out of memory while running 'vivarium boom' (Java heap limit "),
                "out of memory");
        assertTrue(boom(all[0], false)[1].contains("needs less memory"));
        assertTrue(boom(div, false)[1].contains("arithmetic failure (/ by zero)"));
        assertTrue(boom(npe, false)[1].contains("VIVARIUM_DEBUG=1"));
    }

    @Test
    void debugAddsTheStackTrace() {
        String[] r = boom(new IllegalStateException("broken"), true);
        assertTrue(r[1].startsWith("error: broken" + System.lineSeparator()), r[1]);
        assertTrue(r[1].contains("\tat dev.vivarium.app.FailureTest.debugAddsTheStackTrace"), r[1]);
    }

    @Test
    void aBadCommandLineIsOneLineAndAHint() {
        CommandLine cl = Vivarium.commandLine(false);
        StringWriter err = new StringWriter();
        cl.setErr(new PrintWriter(err));
        assertEquals(2, cl.execute("show", "--no-such-option", "x"));
        assertEquals(
                "error: Unknown option: '--no-such-option'" + System.lineSeparator() + "see 'vivarium show --help'"
                        + System.lineSeparator(),
                err.toString());
    }
}

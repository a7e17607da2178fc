package dev.vivarium.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The version string is the project's version from the POM, the same wherever it is shown. */
class VersionTest {

    /** The version in the module's POM, read as text (Maven runs the tests from the module's directory). */
    static String pomVersion() throws IOException {
        String pom = Files.readString(Path.of("pom.xml"));
        Matcher m = Pattern.compile("<parent>.*?<version>([^<]+)</version>.*?</parent>", Pattern.DOTALL)
                .matcher(pom);
        assertTrue(m.find(), "no parent version in " + Path.of("pom.xml").toAbsolutePath());
        return m.group(1).trim();
    }

    @Test
    void isTheProjectVersion() throws IOException {
        assertEquals(pomVersion(), Version.current());
    }

    @Test
    void dashDashVersionSaysIt() throws IOException {
        CommandLine cl = Vivarium.commandLine(false);
        StringWriter out = new StringWriter();
        cl.setOut(new PrintWriter(out));
        assertEquals(0, cl.execute("--version"));
        assertEquals(
                "vivarium " + pomVersion(), out.toString().lines().findFirst().orElse(""));
        StringWriter sub = new StringWriter();
        cl.setOut(new PrintWriter(sub));
        assertEquals(0, cl.execute("show", "--version"));
        assertEquals(
                "vivarium " + pomVersion(), sub.toString().lines().findFirst().orElse(""));
    }
}

package dev.vivarium.app;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;
import picocli.CommandLine.IVersionProvider;

/**
 * Vivarium's version: one string, written into {@code version.properties} by Maven from the project's
 * {@code <version>} when the resources are built, so it is the same from a jar, from classes and in tests.
 */
public final class Version implements IVersionProvider {
    private static final String RESOURCE = "version.properties";

    /** The version, e.g. {@code 0.1.0-SNAPSHOT}. */
    public static String current() {
        try (InputStream in = Version.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("the build left out " + RESOURCE + " (dev/vivarium/app); rebuild");
            }
            Properties p = new Properties();
            p.load(in);
            String v = p.getProperty("version", "").trim();
            if (v.isEmpty() || v.contains("${")) {
                throw new IllegalStateException(
                        RESOURCE + " has version '" + v + "': Maven did not filter it; rebuild with mvn package");
            }
            return v;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + RESOURCE, e);
        }
    }

    /** {@code vivarium --version}: the version, and the Java that runs it. */
    @Override
    public String[] getVersion() {
        return new String[] {
            "vivarium " + current(),
            "Java " + System.getProperty("java.version") + " (" + System.getProperty("java.vendor") + ")"
        };
    }
}

package dev.vivarium.app;

import dev.vivarium.core.run.Provenance;
import picocli.CommandLine.IVersionProvider;

/**
 * Vivarium's version: one string, the project version Maven writes into core's {@code version.properties}
 * ({@link Provenance#vivariumVersion}), so {@code --version}, every checkpoint's metadata and {@code show}
 * report the same.
 */
public final class Version implements IVersionProvider {
    /** The version, e.g. {@code 0.1.0-SNAPSHOT}. */
    public static String current() {
        return Provenance.vivariumVersion();
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

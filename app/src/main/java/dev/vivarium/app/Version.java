package dev.vivarium.app;

import picocli.CommandLine.IVersionProvider;

/** Version string shown by {@code vivarium --version}. */
public final class Version implements IVersionProvider {
    @Override
    public String[] getVersion() {
        String v = Version.class.getPackage().getImplementationVersion();
        return new String[] {"vivarium " + (v == null ? "dev" : v)};
    }
}

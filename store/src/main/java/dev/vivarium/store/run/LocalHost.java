package dev.vivarium.store.run;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;

/** This machine's host name, looked up once, so runs can tell their own processes from others'. */
final class LocalHost {

    private LocalHost() {}

    static String name() {
        return Holder.NAME;
    }

    private static final class Holder {
        static final String NAME = lookUp();
    }

    private static String lookUp() {
        try {
            String name = InetAddress.getLocalHost().getHostName();
            if (!name.isBlank()) {
                return name;
            }
        } catch (IOException unresolvable) {
            // fall through: a machine without a resolvable name still has /etc/hostname
        }
        try {
            String name = Files.readString(Path.of("/etc/hostname")).strip();
            if (!name.isEmpty()) {
                return name;
            }
        } catch (IOException | SecurityException missing) {
            // fall through
        }
        return "localhost";
    }
}

package dev.vivarium.core.run;

import dev.vivarium.core.engine.TensorEngine;
import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

/** What made a number: library, engine and their versions, threads, seed — stored with every checkpoint. */
public final class Provenance {
    private Provenance() {}

    private static final String VERSION = readVersion();

    /**
     * Vivarium's version, the project version Maven wrote into {@code dev/vivarium/core/version.properties}:
     * the one string that {@code --version}, checkpoints and {@code show} all report.
     */
    public static String vivariumVersion() {
        return VERSION;
    }

    private static String readVersion() {
        try (InputStream in = Provenance.class.getResourceAsStream("/dev/vivarium/core/version.properties")) {
            Properties p = new Properties();
            if (in != null) {
                p.load(in);
            }
            String v = p.getProperty("version", "");
            return v.isBlank() || v.startsWith("${") ? "unknown" : v;
        } catch (IOException e) {
            return "unknown";
        }
    }

    public static Map<String, String> of(TensorEngine.EngineInfo engine, long seed) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("vivarium_version", vivariumVersion());
        m.put("djl_version", engine.djlVersion());
        m.put("engine", engine.engine());
        m.put("engine_version", engine.engineVersion());
        m.put("threads", Integer.toString(engine.threads()));
        m.put("seed", Long.toString(seed));
        m.put("java_version", System.getProperty("java.version"));
        m.put("os_arch", System.getProperty("os.arch"));
        return m;
    }
}

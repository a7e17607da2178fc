package dev.vivarium.core.run;

import dev.vivarium.core.engine.TensorEngine;
import java.util.LinkedHashMap;
import java.util.Map;

/** What made a number: library, engine and their versions, threads, seed — stored with every checkpoint. */
public final class Provenance {
    private Provenance() {}

    /** Vivarium's version (from the jar manifest; {@code dev} when run from classes). */
    public static String vivariumVersion() {
        String v = Provenance.class.getPackage().getImplementationVersion();
        return v == null ? "0.1.0-dev" : v;
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

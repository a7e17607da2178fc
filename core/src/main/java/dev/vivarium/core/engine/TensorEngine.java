package dev.vivarium.core.engine;

import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;

/**
 * Starts libtorch through DJL once per JVM, offline, with a chosen intra-op thread count.
 *
 * <p>libtorch is extracted from the {@code pytorch-native-cpu} jar on the class path; nothing is
 * downloaded. The thread count may be changed later (a run records the count it used).
 */
public final class TensorEngine {
    private static EngineInfo started;

    private TensorEngine() {}

    /** Starts the engine (or re-uses it) with {@code threads} intra-op threads. */
    public static synchronized EngineInfo start(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be >= 1, got " + threads);
        }
        if (started == null) {
            System.setProperty("ai.djl.offline", "true");
            System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
            System.setProperty("ai.djl.pytorch.num_threads", Integer.toString(threads));
            if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
                System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
            }
            // DJL probes for CUDA at start-up and warns on every CPU-only machine
            System.setProperty("org.slf4j.simpleLogger.log.ai.djl.util.cuda.CudaUtils", "error");
            Engine engine = Engine.getEngine("PyTorch");
            started = new EngineInfo(engine.getEngineName(), engine.getVersion(), Engine.getDjlVersion(), threads);
        }
        if (JniUtils.getNumThreads() != threads) {
            JniUtils.setNumThreads(threads);
        }
        if (started.threads() != threads) {
            started = new EngineInfo(started.engine(), started.engineVersion(), started.djlVersion(), threads);
        }
        return started;
    }

    /** The running engine's description; starts it with one thread per core if not yet started. */
    public static synchronized EngineInfo info() {
        return started != null ? started : start(Runtime.getRuntime().availableProcessors());
    }

    /** What a run records about the engine that produced its numbers. */
    public record EngineInfo(String engine, String engineVersion, String djlVersion, int threads) {}
}

package dev.vivarium.core;

import ai.djl.ndarray.NDManager;
import dev.vivarium.core.engine.TensorEngine;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;

/** Base of tests that use the tensor engine: one thread, a fresh manager per test, closed after it. */
public abstract class EngineTest {
    protected NDManager manager;

    @BeforeAll
    static void startEngine() {
        TensorEngine.start(1);
    }

    @BeforeEach
    void openManager() {
        manager = NDManager.newBaseManager();
    }

    @AfterEach
    void closeManager() {
        manager.close();
    }
}

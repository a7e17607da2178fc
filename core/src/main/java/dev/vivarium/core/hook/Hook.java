package dev.vivarium.core.hook;

import ai.djl.ndarray.NDArray;

/**
 * What runs at a hook point: it sees the activation and returns what the model continues with —
 * the same array to observe, a new one to intervene (gradients flow through the returned array).
 */
@FunctionalInterface
public interface Hook {
    NDArray apply(String name, NDArray activation);
}

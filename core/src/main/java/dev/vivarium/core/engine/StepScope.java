package dev.vivarium.core.engine;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;

/**
 * One training or evaluation step's arrays: every NDArray created while the scope is open is
 * freed when it closes, unless {@link #keep} moved it out. Without it libtorch memory grows by the
 * size of the activations on every step.
 */
public final class StepScope implements AutoCloseable {
    private final NDScope scope = new NDScope();

    /** Removes {@code array} from this scope so that it outlives the step. */
    public NDArray keep(NDArray array) {
        NDScope.unregister(array);
        return array;
    }

    @Override
    public void close() {
        scope.close();
    }
}

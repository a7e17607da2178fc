package dev.vivarium.core.model;

import ai.djl.ndarray.NDArray;
import com.fasterxml.jackson.annotation.JsonValue;
import dev.vivarium.core.engine.Ops;

/** Element-wise non-linearities of MLP layers, named as in recipes ({@code relu}, {@code gelu}). */
public enum Activation {
    RELU,
    GELU;

    public NDArray apply(NDArray x) {
        return this == RELU ? Ops.relu(x) : Ops.gelu(x);
    }

    @JsonValue
    public String yamlName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}

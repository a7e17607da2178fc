package dev.vivarium.core.model;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

/** A model's architecture, as written in a recipe's {@code model:} block; {@code kind} picks one. */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "kind")
@JsonSubTypes({
    @JsonSubTypes.Type(value = TransformerConfig.class, name = "transformer"),
    @JsonSubTypes.Type(value = MlpConfig.class, name = "mlp")
})
public sealed interface ModelConfig permits TransformerConfig, MlpConfig {
    /** Builds the model with freshly initialised parameters drawn from {@code seed}. */
    Model build(NDManager manager, long seed);
}

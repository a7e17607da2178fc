package dev.vivarium.core.model;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

/** A model's architecture, as written in a recipe's {@code model:} block; {@code kind} picks one. */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "kind")
@JsonSubTypes({
    @JsonSubTypes.Type(value = TransformerConfig.class, name = "transformer"),
    @JsonSubTypes.Type(value = MlpConfig.class, name = "mlp"),
    @JsonSubTypes.Type(value = SuperpositionConfig.class, name = "superposition")
})
public sealed interface ModelConfig permits TransformerConfig, MlpConfig, SuperpositionConfig {
    /** Builds the model with freshly initialised parameters drawn from {@code seed}. */
    default Model build(NDManager manager, long seed) {
        return build(manager, new long[] {seed});
    }

    /**
     * Builds a population of {@code seeds.length} models computed as one: every parameter with a leading model
     * axis {@code [M, ...]} (none when there is one seed), member {@code m} initialised exactly as a single
     * model of seed {@code seeds[m]}.
     */
    Model build(NDManager manager, long[] seeds);
}

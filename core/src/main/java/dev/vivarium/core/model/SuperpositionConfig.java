package dev.vivarium.core.model;

import ai.djl.ndarray.NDManager;

/**
 * The toy model of superposition of Elhage et al. 2022: {@code n} features squeezed into {@code m} hidden
 * dimensions and read back, {@code x' = ReLU(W^T W x + b)}. {@code n} comes from the task when a recipe is
 * resolved (the {@code sparse-features} task's number of features).
 *
 * @param n features (input and output size)
 * @param m hidden dimensions
 */
public record SuperpositionConfig(int n, int m) implements ModelConfig {
    public SuperpositionConfig {
        TransformerConfig.positive("n", n);
        TransformerConfig.positive("m", m);
    }

    @Override
    public Superposition build(NDManager manager, long seed) {
        return new Superposition(this, manager, new long[] {seed});
    }

    @Override
    public Superposition build(NDManager manager, long[] seeds) {
        return new Superposition(this, manager, seeds);
    }
}

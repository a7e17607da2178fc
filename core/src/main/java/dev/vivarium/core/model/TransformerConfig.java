package dev.vivarium.core.model;

import ai.djl.ndarray.NDManager;

/**
 * A decoder-only transformer in TransformerLens' shape.
 *
 * <p>{@code dVocab}, {@code dVocabOut} and {@code nCtx} come from the task when a recipe is
 * resolved. {@code bias: false} keeps every bias at zero and untrained (as the TransformerLens
 * grokking notebook does) while still writing them to checkpoints.
 *
 * @param nLayers number of blocks
 * @param dModel residual stream width
 * @param nHeads attention heads per block
 * @param dHead width of each head
 * @param dMlp hidden width of each MLP (unused when {@code attnOnly})
 * @param act MLP non-linearity
 * @param layerNorm LayerNorm before attention, MLP and unembedding
 * @param attnOnly blocks without MLPs
 * @param bias train biases (else they stay zero)
 * @param dVocab input vocabulary size
 * @param dVocabOut output vocabulary size
 * @param nCtx context length (positional embeddings)
 */
public record TransformerConfig(
        int nLayers,
        int dModel,
        int nHeads,
        int dHead,
        int dMlp,
        Activation act,
        boolean layerNorm,
        boolean attnOnly,
        boolean bias,
        int dVocab,
        int dVocabOut,
        int nCtx)
        implements ModelConfig {

    public TransformerConfig {
        positive("nLayers", nLayers);
        positive("dModel", dModel);
        positive("nHeads", nHeads);
        positive("dHead", dHead);
        if (!attnOnly) {
            positive("dMlp", dMlp);
        } else if (dMlp < 0) {
            throw new IllegalArgumentException("dMlp: must be >= 0, got " + dMlp);
        }
        if (act == null) {
            throw new IllegalArgumentException("act: required, one of relu, gelu");
        }
        positive("dVocab", dVocab);
        positive("dVocabOut", dVocabOut);
        positive("nCtx", nCtx);
    }

    static void positive(String field, int value) {
        if (value < 1) {
            throw new IllegalArgumentException(field + ": must be a positive integer, got " + value);
        }
    }

    @Override
    public Transformer build(NDManager manager, long seed) {
        return new Transformer(this, manager, seed);
    }
}

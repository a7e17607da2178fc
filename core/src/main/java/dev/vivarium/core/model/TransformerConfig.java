package dev.vivarium.core.model;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.node.ObjectNode;

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
        return new Transformer(this, manager, new long[] {seed});
    }

    @Override
    public Transformer build(NDManager manager, long[] seeds) {
        return new Transformer(this, manager, seeds);
    }

    /**
     * Fills in the {@code model:} values a transformer recipe may leave out: ReLU, no LayerNorm, biases,
     * {@code dHead = dModel / nHeads} and {@code dMlp = 4 dModel} (0 when attention-only).
     *
     * @throws IllegalArgumentException naming the field when dHead cannot be derived
     */
    public static void fillDefaults(ObjectNode m) {
        m.putIfAbsent("act", m.textNode("relu"));
        m.putIfAbsent("layerNorm", m.booleanNode(false));
        m.putIfAbsent("attnOnly", m.booleanNode(false));
        m.putIfAbsent("bias", m.booleanNode(true));
        if (m.hasNonNull("dModel") && m.hasNonNull("nHeads") && !m.hasNonNull("dHead")) {
            int d = m.get("dModel").asInt();
            int h = m.get("nHeads").asInt();
            if (h <= 0 || d % h != 0) {
                throw new IllegalArgumentException(
                        "dHead: not given and dModel " + d + " is not divisible by nHeads " + h + "; set dHead");
            }
            m.put("dHead", d / h);
        }
        if (m.hasNonNull("dModel") && !m.hasNonNull("dMlp")) {
            m.put(
                    "dMlp",
                    m.path("attnOnly").asBoolean() ? 0 : 4 * m.get("dModel").asInt());
        }
    }
}

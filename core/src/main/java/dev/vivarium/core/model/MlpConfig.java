package dev.vivarium.core.model;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A multi-layer perceptron over a short sequence of tokens, or over a real feature vector.
 *
 * <p>{@code onehot} feeds the concatenated one-hot vectors of the inputs; {@code embed} feeds the
 * concatenated rows of a learned embedding of width {@code dEmbed}; {@code dense} feeds a regression task's
 * {@code nInputs} real features as they are (no vocabulary: {@code dVocab} is 0). {@code nInputs},
 * {@code dVocab} and {@code dOut} come from the task when a recipe is resolved.
 *
 * @param input how inputs enter: {@code onehot} or {@code embed} (tokens), {@code dense} (real features)
 * @param depth number of hidden layers
 * @param width hidden width
 * @param act non-linearity
 * @param dEmbed embedding width ({@code embed} input only)
 * @param bias train biases (else they stay zero)
 * @param nInputs tokens (or real features) per example
 * @param dVocab input vocabulary size (0 for {@code dense})
 * @param dOut number of output classes (or real outputs)
 */
public record MlpConfig(
        Input input, int depth, int width, Activation act, int dEmbed, boolean bias, int nInputs, int dVocab, int dOut)
        implements ModelConfig {

    /** How inputs enter the first layer. */
    public enum Input {
        ONEHOT,
        EMBED,
        DENSE;

        @com.fasterxml.jackson.annotation.JsonValue
        public String yamlName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public MlpConfig {
        if (input == null) {
            throw new IllegalArgumentException("input: required, one of onehot, embed, dense");
        }
        TransformerConfig.positive("depth", depth);
        TransformerConfig.positive("width", width);
        if (act == null) {
            throw new IllegalArgumentException("act: required, one of relu, gelu");
        }
        if (input == Input.EMBED) {
            TransformerConfig.positive("dEmbed", dEmbed);
        }
        TransformerConfig.positive("nInputs", nInputs);
        if (input != Input.DENSE) {
            TransformerConfig.positive("dVocab", dVocab);
        }
        TransformerConfig.positive("dOut", dOut);
    }

    /** Width of the first layer's input. */
    public int dIn() {
        return switch (input) {
            case ONEHOT -> nInputs * dVocab;
            case EMBED -> nInputs * dEmbed;
            case DENSE -> nInputs;
        };
    }

    @Override
    public Mlp build(NDManager manager, long seed) {
        return new Mlp(this, manager, new long[] {seed});
    }

    @Override
    public Mlp build(NDManager manager, long[] seeds) {
        return new Mlp(this, manager, seeds);
    }

    /** Fills in the {@code model:} values an MLP recipe may leave out: one-hot input, ReLU, one layer, biases. */
    public static void fillDefaults(ObjectNode m) {
        m.putIfAbsent("input", m.textNode("onehot"));
        m.putIfAbsent("act", m.textNode("relu"));
        m.putIfAbsent("depth", m.numberNode(1));
        m.putIfAbsent("dEmbed", m.numberNode(0));
        m.putIfAbsent("bias", m.booleanNode(true));
    }
}

package dev.vivarium.core.model;

import ai.djl.ndarray.NDArray;
import dev.vivarium.core.hook.HookPoints;

/**
 * A trainable network with named parameters and named hook points.
 *
 * <p>{@link #logits} computes only what the scored positions need; with hooks attached the hook
 * points of the last layer then see only those positions. Use {@link #forwardAll} to see every
 * position (caching, patching).
 */
public interface Model extends AutoCloseable {
    ModelConfig config();

    /**
     * Members computed together: with {@code M > 1} every parameter and every input, output and hook point has a
     * leading model axis — tokens {@code [M, batch, pos]}, logits {@code [M, batch, scored, dVocabOut]}, a
     * residual stream hook {@code [M, batch, pos, dModel]}.
     */
    default int members() {
        return params().members();
    }

    Params params();

    HookPoints hooks();

    /**
     * Logits at the scored positions.
     *
     * @param tokens {@code [batch, pos]} int64 token ids
     * @param scored positions whose next-token prediction is scored, ascending
     * @return {@code [batch, scored.length, dVocabOut]}
     */
    NDArray logits(NDArray tokens, int[] scored);

    /** Logits at every position, {@code [batch, pos, dVocabOut]}, passing every hook point. */
    NDArray forwardAll(NDArray tokens);

    /** Forward FLOPs of {@link #logits} for one example (multiply-adds count 2), for benchmarks. */
    double forwardFlops(int seqLen, int[] scored);

    /** Forward FLOPs of one example when every position is computed with no shortcut (a plain implementation). */
    double plainForwardFlops(int seqLen);

    @Override
    default void close() {
        params().close();
    }
}

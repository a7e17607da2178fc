package dev.vivarium.lens.cache;

import java.util.OptionalInt;

/**
 * Which axis of a hook point's activation holds positions, heads and neurons, from its name and
 * rank (axis 0 is always the batch).
 *
 * <pre>
 * attn.hook_q|k|v|z                 [batch, pos, head, dHead]
 * attn.hook_attn_scores|pattern     [batch, head, qpos, kpos]
 * any other transformer point       [batch, pos, d]            (d: dModel, dMlp or 1)
 * MLP-model points (rank 2)         [batch, d]
 * </pre>
 *
 * @param pos axis of positions (query positions for attention patterns), if any
 * @param head axis of heads, if any
 * @param neuron the last axis, where a point has neurons or features (not attention patterns)
 */
public record HookAxes(OptionalInt pos, OptionalInt head, OptionalInt neuron) {

    /** The axes of the activation at {@code name} with {@code rank} axes. */
    public static HookAxes of(String name, int rank) {
        if (rank == 2) {
            return new HookAxes(OptionalInt.empty(), OptionalInt.empty(), OptionalInt.of(1));
        }
        if (name.endsWith("attn.hook_attn_scores") || name.endsWith("attn.hook_pattern")) {
            check(name, rank, 4);
            return new HookAxes(OptionalInt.of(2), OptionalInt.of(1), OptionalInt.empty());
        }
        if (name.matches(".*attn\\.hook_[qkvz]")) {
            check(name, rank, 4);
            return new HookAxes(OptionalInt.of(1), OptionalInt.of(2), OptionalInt.of(3));
        }
        check(name, rank, 3);
        return new HookAxes(OptionalInt.of(1), OptionalInt.empty(), OptionalInt.of(2));
    }

    private static void check(String name, int rank, int want) {
        if (rank != want) {
            throw new IllegalArgumentException("activation at " + name + " has " + rank + " axes, expected " + want);
        }
    }
}

package dev.vivarium.core.task;

import java.util.Arrays;

/**
 * A task's examples as token sequences and the targets at the scored positions.
 *
 * @param n number of examples
 * @param seqLen tokens per example
 * @param tokens {@code [n, seqLen]} row-major
 * @param scored positions whose next-token prediction is scored (ascending, the same for all)
 * @param targets {@code [n, scored.length]} row-major
 */
public record Examples(int n, int seqLen, long[] tokens, int[] scored, long[] targets) {
    public Examples {
        if (tokens.length != (long) n * seqLen) {
            throw new IllegalArgumentException("tokens: expected " + n * seqLen + " values, got " + tokens.length);
        }
        if (targets.length != (long) n * scored.length) {
            throw new IllegalArgumentException(
                    "targets: expected " + n * scored.length + " values, got " + targets.length);
        }
        for (int i = 0; i < scored.length; i++) {
            if (scored[i] < 0 || scored[i] >= seqLen || (i > 0 && scored[i] <= scored[i - 1])) {
                throw new IllegalArgumentException(
                        "scored positions must be ascending within [0, " + seqLen + "): " + Arrays.toString(scored));
            }
        }
    }

    /** The examples at {@code rows}, in that order. */
    public Examples select(int[] rows) {
        long[] t = new long[rows.length * seqLen];
        long[] y = new long[rows.length * scored.length];
        for (int i = 0; i < rows.length; i++) {
            System.arraycopy(tokens, rows[i] * seqLen, t, i * seqLen, seqLen);
            System.arraycopy(targets, rows[i] * scored.length, y, i * scored.length, scored.length);
        }
        return new Examples(rows.length, seqLen, t, scored, y);
    }
}

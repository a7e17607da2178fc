package dev.vivarium.core.task;

import java.util.Arrays;

/**
 * A named subset of a task's held-out examples and scored positions on which training logs its own loss and
 * accuracy ({@code test_loss_<name>}, {@code test_acc_<name>}): the repeated half of an induction sequence,
 * say, against its first half.
 *
 * @param name the metric suffix, lower case letters, digits and underscores
 * @param definition what the group holds, in words (for the docs and the analyses)
 * @param rows indices into the examples the group was made from, ascending
 * @param positions scored positions (a subset of the examples' {@code scored}), ascending
 */
public record ScoreGroup(String name, String definition, int[] rows, int[] positions) {
    public ScoreGroup {
        if (name == null || !name.matches("[a-z0-9_]+")) {
            throw new IllegalArgumentException("score group name: lower case letters, digits and _, got " + name);
        }
        if (positions.length == 0) {
            throw new IllegalArgumentException("score group " + name + ": no positions");
        }
        rows = rows.clone();
        positions = positions.clone();
    }

    /** The group's column of each position in {@code scored}; a position not scored is an error. */
    public int[] columns(int[] scored) {
        int[] c = new int[positions.length];
        for (int i = 0; i < c.length; i++) {
            c[i] = Arrays.binarySearch(scored, positions[i]);
            if (c[i] < 0) {
                throw new IllegalArgumentException(
                        "score group " + name + ": position " + positions[i] + " is not scored");
            }
        }
        return c;
    }

    /** The group's examples, with targets at its positions only. */
    public Examples select(Examples e) {
        Examples rowsOnly = e.select(rows);
        int[] cols = columns(e.scored());
        long[] y = new long[rows.length * cols.length];
        for (int i = 0; i < rows.length; i++) {
            for (int j = 0; j < cols.length; j++) {
                y[i * cols.length + j] = rowsOnly.targets()[i * e.scored().length + cols[j]];
            }
        }
        return new Examples(rows.length, e.seqLen(), rowsOnly.tokens(), positions, y);
    }
}

package dev.vivarium.lens.cache;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.vivarium.core.engine.Ops;
import java.util.Arrays;
import java.util.OptionalInt;

/**
 * Part of an activation: some positions, heads and/or neurons, every example of the batch. An
 * empty list means "all" along that axis. {@link #ALL} selects the whole activation.
 *
 * @param positions positions (query positions for attention patterns)
 * @param heads attention heads
 * @param neurons indices along the last axis (MLP neurons, residual dimensions, dHead)
 */
public record Selection(int[] positions, int[] heads, int[] neurons) {
    public static final Selection ALL = new Selection(new int[0], new int[0], new int[0]);

    public Selection {
        positions = positions.clone();
        heads = heads.clone();
        neurons = neurons.clone();
    }

    public static Selection position(int... p) {
        return new Selection(p, new int[0], new int[0]);
    }

    public static Selection head(int... h) {
        return new Selection(new int[0], h, new int[0]);
    }

    public static Selection neuron(int... n) {
        return new Selection(new int[0], new int[0], n);
    }

    public Selection atPositions(int... p) {
        return new Selection(p, heads, neurons);
    }

    public Selection atHeads(int... h) {
        return new Selection(positions, h, neurons);
    }

    public boolean isAll() {
        return positions.length == 0 && heads.length == 0 && neurons.length == 0;
    }

    /**
     * A float32 mask shaped like one example of the activation ({@code [1, ...]}): 1 where selected,
     * 0 elsewhere; made in libtorch-owned memory so it may enter a graph.
     */
    public NDArray mask(String hook, Shape activation, NDManager manager) {
        HookAxes axes = HookAxes.of(hook, activation.dimension());
        long[] dims = activation.getShape().clone();
        dims[0] = 1;
        int n = (int) new Shape(dims).size();
        float[] m = new float[n];
        long[] idx = new long[dims.length];
        for (int flat = 0; flat < n; flat++) {
            long rest = flat;
            for (int a = dims.length - 1; a >= 0; a--) {
                idx[a] = rest % dims[a];
                rest /= dims[a];
            }
            boolean in = selected(axes.pos(), positions, idx, hook, dims)
                    && selected(axes.head(), heads, idx, hook, dims)
                    && selected(axes.neuron(), neurons, idx, hook, dims);
            m[flat] = in ? 1f : 0f;
        }
        return Ops.floats(manager, m, new Shape(dims));
    }

    private static boolean selected(OptionalInt axis, int[] chosen, long[] idx, String hook, long[] dims) {
        if (chosen.length == 0) {
            return true;
        }
        if (axis.isEmpty()) {
            throw new IllegalArgumentException(
                    "the activation at " + hook + " " + Arrays.toString(dims) + " has no axis for this selection");
        }
        long at = idx[axis.getAsInt()];
        for (int c : chosen) {
            if (c < 0 || c >= dims[axis.getAsInt()]) {
                throw new IllegalArgumentException(
                        "index " + c + " out of range [0, " + dims[axis.getAsInt()] + ") at " + hook);
            }
            if (c == at) {
                return true;
            }
        }
        return false;
    }

    /** A short label such as {@code pos=2 head=1}. */
    public String label() {
        StringBuilder b = new StringBuilder();
        if (positions.length > 0) {
            b.append("pos=").append(join(positions));
        }
        if (heads.length > 0) {
            b.append(b.length() > 0 ? " " : "").append("head=").append(join(heads));
        }
        if (neurons.length > 0) {
            b.append(b.length() > 0 ? " " : "").append("neuron=").append(join(neurons));
        }
        return b.length() == 0 ? "all" : b.toString();
    }

    private static String join(int[] a) {
        return String.join(",", Arrays.stream(a).mapToObj(Integer::toString).toList());
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Selection s
                && Arrays.equals(positions, s.positions)
                && Arrays.equals(heads, s.heads)
                && Arrays.equals(neurons, s.neurons);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(positions) * 961 + Arrays.hashCode(heads) * 31 + Arrays.hashCode(neurons);
    }

    @Override
    public String toString() {
        return "Selection[" + label() + "]";
    }
}

package dev.vivarium.lens.cache;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.vivarium.core.engine.Ops;
import dev.vivarium.core.hook.Hook;
import java.util.SplittableRandom;

/**
 * Hooks that ablate part of an activation: replace it by zero, by its mean over a reference
 * dataset, or by its value on other, randomly drawn, reference examples (resampling). Attach
 * with {@code model.hooks().add(name, hook)} inside try-with-resources.
 */
public final class Ablation {
    private Ablation() {}

    /** Sets the selected entries to zero. */
    public static Hook zero(Selection selection) {
        return (name, act) -> {
            if (selection.isAll()) {
                return act.zerosLike();
            }
            NDArray keep = keepMask(name, act, selection);
            return act.mul(keep);
        };
    }

    /**
     * Replaces the selected entries by their mean over the examples of {@code reference} (the
     * activation at the same hook on a reference dataset, {@code [n, ...]}).
     */
    public static Hook mean(NDArray reference, Selection selection) {
        NDArray mean = Ops.owned(reference.mean(new int[] {0}, true)); // [1, ...]
        return (name, act) -> combine(name, act, mean, selection);
    }

    /**
     * Replaces the selected entries of each example by those of a reference example drawn uniformly
     * with replacement ({@code reference [n, ...]}), the draws fixed by {@code seed}.
     */
    public static Hook resample(NDArray reference, long seed, Selection selection) {
        return (name, act) -> {
            long batch = act.getShape().get(0);
            long n = reference.getShape().get(0);
            SplittableRandom random = new SplittableRandom(seed);
            long[] rows = new long[(int) batch];
            for (int i = 0; i < rows.length; i++) {
                rows[i] = random.nextLong(n);
            }
            NDArray idx = Ops.longs(act.getManager(), rows, new Shape(batch));
            return combine(name, act, reference.get(idx), selection);
        };
    }

    /** {@code act} outside the selection, {@code replacement} (broadcast to {@code act}) inside it. */
    static NDArray combine(String name, NDArray act, NDArray replacement, Selection selection) {
        if (selection.isAll()) {
            return replacement.broadcast(act.getShape()).duplicate();
        }
        NDManager m = act.getManager();
        NDArray mask = selection.mask(name, act.getShape(), m);
        NDArray keep = keepMask(name, act, selection);
        return act.mul(keep).add(replacement.mul(mask));
    }

    private static NDArray keepMask(String name, NDArray act, Selection selection) {
        NDArray mask = selection.mask(name, act.getShape(), act.getManager());
        float[] f = mask.toFloatArray();
        for (int i = 0; i < f.length; i++) {
            f[i] = 1f - f[i];
        }
        return Ops.floats(act.getManager(), f, mask.getShape());
    }
}

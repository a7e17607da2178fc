package dev.vivarium.lens.probe;

import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Labels a probe should not be able to predict from what a representation means. Hewitt and
 * Liang's control task gives every input type (e.g. token) a fixed random label, so a probe can
 * only score by memorising types; a fully random label per example is the stricter control whose
 * held-out accuracy must be chance.
 */
public final class ControlTask {
    private ControlTask() {}

    /** A random label in {@code [0, classes)} per type, the same for every example of that type. */
    public static int[] byType(long[] types, int classes, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        Map<Long, Integer> label = new HashMap<>();
        int[] out = new int[types.length];
        for (int i = 0; i < types.length; i++) {
            out[i] = label.computeIfAbsent(types[i], t -> r.nextInt(classes));
        }
        return out;
    }

    /** An independent uniformly random label per example. */
    public static int[] random(int n, int classes, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            out[i] = r.nextInt(classes);
        }
        return out;
    }
}

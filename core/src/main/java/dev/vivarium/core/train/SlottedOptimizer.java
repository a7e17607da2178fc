package dev.vivarium.core.train;

import ai.djl.ndarray.NDArray;
import dev.vivarium.core.engine.Ops;
import dev.vivarium.core.model.Params;
import dev.vivarium.store.safetensors.Tensor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An optimizer whose state is a few named slots per trained parameter (Adam's {@code m} and
 * {@code v}, SGD's {@code momentum}), each an array shaped like its parameter, zero at the start
 * and saved as {@code <slot>.<parameter name>}.
 */
abstract class SlottedOptimizer implements Optimizer {
    protected final Params params;
    private final Map<String, Map<String, NDArray>> slots = new LinkedHashMap<>();
    private long updates;
    private java.util.function.Predicate<String> frozen = name -> false;

    SlottedOptimizer(Params params, String... slotNames) {
        this.params = params;
        for (String slot : slotNames) {
            Map<String, NDArray> arrays = new LinkedHashMap<>();
            for (String n : params.trainableNames()) {
                NDArray p = params.get(n);
                arrays.put(n, Ops.owned(p.getManager().zeros(p.getShape())));
            }
            slots.put(slot, arrays);
        }
    }

    /** Leaves the parameters {@code frozen} accepts (by name) as they are: no update, no weight decay. */
    SlottedOptimizer freezing(java.util.function.Predicate<String> frozen) {
        this.frozen = frozen;
        return this;
    }

    /** The trainable parameters an update changes: all but the frozen ones. */
    protected List<String> updated() {
        return params.trainableNames().stream().filter(frozen.negate()).toList();
    }

    /** The state array of {@code slot} for parameter {@code name}. */
    protected NDArray slot(String slot, String name) {
        return slots.get(slot).get(name);
    }

    /** {@code value} once per member. */
    static double[] filled(int members, double value) {
        double[] v = new double[members];
        java.util.Arrays.fill(v, value);
        return v;
    }

    /** Refuses a learning rate per member for another number of members. */
    protected void requireMembers(double[] lrs) {
        if (lrs.length != params.members()) {
            throw new IllegalArgumentException(lrs.length + " learning rates for " + params.members() + " members");
        }
    }

    /** One float32 factor per member, {@code [M]} (rounded to float32 as a scalar factor would be). */
    protected NDArray perMember(double[] values) {
        float[] f = new float[values.length];
        for (int i = 0; i < f.length; i++) {
            f[i] = (float) values[i];
        }
        return Ops.floats(params.manager(), f, new ai.djl.ndarray.types.Shape(f.length));
    }

    /** A per-member factor {@code [M]} as {@code [M, 1, ...]} of {@code rank} axes. */
    protected static NDArray broadcastable(NDArray factor, int rank) {
        long[] s = new long[rank];
        java.util.Arrays.fill(s, 1);
        s[0] = factor.getShape().get(0);
        return factor.reshape(s);
    }

    /** Member {@code m}'s state without the model axis (all of it when there is one member). */
    @Override
    public Map<String, Tensor> memberState(int m) {
        Map<String, Tensor> all = state();
        if (params.members() == 1) {
            return all;
        }
        Map<String, Tensor> out = new LinkedHashMap<>();
        all.forEach((k, t) -> out.put(k, Params.member(t, m, params.members())));
        return out;
    }

    @Override
    public void loadMembers(List<Map<String, Tensor>> perMember, long updates, String source) {
        if (params.members() == 1) {
            load(perMember.get(0), updates, source);
            return;
        }
        Map<String, Tensor> stacked = new LinkedHashMap<>();
        for (String key : state().keySet()) {
            List<Tensor> parts = new java.util.ArrayList<>();
            for (Map<String, Tensor> s : perMember) {
                Tensor t = s.get(key);
                if (t == null) {
                    throw new IllegalArgumentException(source + ": missing optimizer tensor " + key);
                }
                parts.add(t);
            }
            stacked.put(key, Params.stack(parts));
        }
        load(stacked, updates, source);
    }

    /** Counts one more update and returns the count (1 for the first). */
    protected long nextUpdate() {
        return ++updates;
    }

    @Override
    public long updates() {
        return updates;
    }

    @Override
    public Map<String, Tensor> state() {
        Map<String, Tensor> s = new LinkedHashMap<>();
        slots.forEach((slot, arrays) -> arrays.forEach((n, a) -> s.put(slot + "." + n, Params.toTensor(a))));
        return s;
    }

    @Override
    public void load(Map<String, Tensor> state, long updates, String source) {
        for (Map.Entry<String, Map<String, NDArray>> e : slots.entrySet()) {
            Map<String, NDArray> arrays = e.getValue();
            for (String n : List.copyOf(arrays.keySet())) {
                arrays.put(n, Optimizer.restore(arrays.get(n), state, e.getKey() + "." + n, source))
                        .close();
            }
        }
        this.updates = updates;
    }
}

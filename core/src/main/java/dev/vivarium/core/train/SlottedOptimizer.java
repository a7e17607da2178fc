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

package dev.vivarium.lens.cache;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import dev.vivarium.core.hook.Hook;
import dev.vivarium.lens.numeric.Tensors;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The activations of one run, by hook name, plus its logits. Each entry is a detached alias of the
 * activation the model computed — no copy is made — owned by the cache's own manager, so it
 * outlives the step scope of the forward pass. Close the cache to free them.
 */
public final class Activations implements AutoCloseable {
    /** Name under which {@link Caching} keeps the run's logits {@code [batch, pos, dVocabOut]}. */
    public static final String LOGITS = "logits";

    private final NDManager manager;
    private final Map<String, NDArray> cached = new LinkedHashMap<>();

    public Activations(NDManager parent) {
        this.manager = parent.newSubManager();
    }

    /** A hook that records the activation it sees and passes it on unchanged. */
    public Hook recorder() {
        return (name, activation) -> {
            put(name, activation);
            return activation;
        };
    }

    /** Keeps a detached alias of {@code array} under {@code name}, replacing any earlier entry. */
    public void put(String name, NDArray array) {
        NDArray alias = array.stopGradient(); // shares storage: the activation is not copied
        NDScope.unregister(alias);
        alias.attach(manager);
        NDArray old = cached.put(name, alias);
        if (old != null) {
            old.close();
        }
    }

    /** The activation at {@code name}; an error lists what was cached. */
    public NDArray get(String name) {
        NDArray a = cached.get(name);
        if (a == null) {
            throw new IllegalArgumentException("no activation cached at '" + name + "'; cached: " + cached.keySet());
        }
        return a;
    }

    public boolean has(String name) {
        return cached.containsKey(name);
    }

    /** The logits of the cached run. */
    public NDArray logits() {
        return get(LOGITS);
    }

    /** The activation at {@code name} as float64, row-major. */
    public double[] doubles(String name) {
        return Tensors.doubles(get(name));
    }

    /** Cached names in the order the forward pass reached them (logits last). */
    public Set<String> names() {
        return cached.keySet();
    }

    /** The manager that owns the cached arrays (new arrays made from them may be kept here). */
    public NDManager manager() {
        return manager;
    }

    @Override
    public void close() {
        cached.clear();
        manager.close();
    }
}

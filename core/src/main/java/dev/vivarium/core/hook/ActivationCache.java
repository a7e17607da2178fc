package dev.vivarium.core.hook;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Detached copies of activations, keyed by hook name, owned by the cache's own manager so they
 * outlive the step that computed them. Close the cache to free them.
 */
public final class ActivationCache implements AutoCloseable {
    private final NDManager manager;
    private final Map<String, NDArray> cached = new LinkedHashMap<>();

    public ActivationCache(NDManager parent) {
        this.manager = parent.newSubManager();
    }

    /** Caches, into this cache, every point of {@code hooks} matching {@code filter}. */
    public HookScope record(HookPoints hooks, Predicate<String> filter) {
        return hooks.add(filter, this::store);
    }

    private NDArray store(String name, NDArray activation) {
        NDArray copy;
        try (NDArray detached = activation.stopGradient()) {
            copy = detached.duplicate();
        }
        NDScope.unregister(copy); // outlives the step scope it was made in
        copy.attach(manager);
        NDArray old = cached.put(name, copy);
        if (old != null) {
            old.close();
        }
        return activation;
    }

    /** The cached activation at {@code name}; an error lists what was cached. */
    public NDArray get(String name) {
        NDArray a = cached.get(name);
        if (a == null) {
            throw new IllegalArgumentException("no activation cached at '" + name + "'; cached: " + cached.keySet());
        }
        return a;
    }

    public Set<String> names() {
        return cached.keySet();
    }

    @Override
    public void close() {
        manager.close();
        cached.clear();
    }
}

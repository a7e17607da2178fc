package dev.vivarium.core.hook;

import ai.djl.ndarray.NDArray;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * The named hook points of one model and the hooks currently attached to them.
 *
 * <p>A model calls {@link #at} for every activation it computes; with no hooks attached that is a
 * map lookup on an empty map. Hooks are added through {@link #add}, which returns a {@link
 * HookScope}; they run in the order added.
 */
public final class HookPoints {
    private final List<String> names;
    private final Set<String> nameSet;
    private final Map<String, List<Hook>> attached = new LinkedHashMap<>();

    /** @param names every hook point of the model, in the order the forward pass reaches them */
    public HookPoints(List<String> names) {
        this.names = List.copyOf(names);
        this.nameSet = Set.copyOf(names);
        if (nameSet.size() != names.size()) {
            throw new IllegalArgumentException("duplicate hook point names in " + names);
        }
    }

    /** Every hook point name, in forward order. */
    public List<String> names() {
        return names;
    }

    /** Names matching a predicate, in forward order. */
    public List<String> names(Predicate<String> filter) {
        return names.stream().filter(filter).toList();
    }

    /** Whether any hook is attached at {@code name}. */
    public boolean isHooked(String name) {
        return !attached.isEmpty() && attached.containsKey(name);
    }

    /** Whether any hook is attached anywhere. */
    public boolean anyHooked() {
        return !attached.isEmpty();
    }

    /** Passes {@code activation} through the hooks at {@code name} (identity when there are none). */
    public NDArray at(String name, NDArray activation) {
        if (attached.isEmpty()) {
            return activation;
        }
        List<Hook> hooks = attached.get(name);
        if (hooks == null) {
            return activation;
        }
        NDArray out = activation;
        for (Hook hook : List.copyOf(hooks)) {
            out = hook.apply(name, out);
            if (out == null) {
                throw new IllegalStateException("hook at " + name + " returned null; return the activation");
            }
        }
        return out;
    }

    /** Attaches {@code hook} at one named point. */
    public HookScope add(String name, Hook hook) {
        return add(List.of(name), hook);
    }

    /** Attaches {@code hook} at every point whose name matches {@code filter}. */
    public HookScope add(Predicate<String> filter, Hook hook) {
        List<String> matched = names(filter);
        if (matched.isEmpty()) {
            throw new IllegalArgumentException("no hook point matches the filter; points are " + names);
        }
        return add(matched, hook);
    }

    /** Attaches {@code hook} at each of {@code points}; unknown names are an error. */
    public HookScope add(List<String> points, Hook hook) {
        for (String p : points) {
            if (!nameSet.contains(p)) {
                throw new IllegalArgumentException("no hook point named '" + p + "'; this model has " + names);
            }
        }
        List<String> added = new ArrayList<>();
        for (String p : points) {
            attached.computeIfAbsent(p, k -> new ArrayList<>()).add(hook);
            added.add(p);
        }
        return () -> {
            for (String p : added) {
                List<Hook> hooks = attached.get(p);
                if (hooks != null) {
                    hooks.remove(hook);
                    if (hooks.isEmpty()) {
                        attached.remove(p);
                    }
                }
            }
        };
    }

    /** Number of hooks attached now, over all points (0 when every scope is closed). */
    public int attachedCount() {
        return attached.values().stream().mapToInt(List::size).sum();
    }

    /** Points that have hooks now. */
    public Set<String> hookedNames() {
        return Collections.unmodifiableSet(attached.keySet());
    }
}

package dev.vivarium.lens.cache;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.vivarium.core.engine.StepScope;
import dev.vivarium.core.hook.HookScope;
import dev.vivarium.core.model.Model;

/**
 * Runs a model over every position ({@link Model#forwardAll}) with recorders at the hook points a
 * filter selects, and returns the activations and the logits.
 */
public final class Caching {
    private Caching() {}

    /**
     * One forward pass with caching.
     *
     * @param tokens {@code [batch, pos]} int64
     * @param filter which hook points to record
     * @return the cache, holding the recorded activations and {@link Activations#LOGITS}
     */
    public static Activations run(Model model, NDArray tokens, NameFilter filter, NDManager manager) {
        Activations cache = new Activations(manager);
        try (StepScope step = new StepScope();
                HookScope hooks = model.hooks().add(filter.select(model.hooks().names()), cache.recorder())) {
            NDArray logits = model.forwardAll(tokens); // [batch, pos, dVocabOut]
            cache.put(Activations.LOGITS, logits);
        } catch (RuntimeException e) {
            cache.close();
            throw e;
        }
        return cache;
    }

    /** Caches every hook point. */
    public static Activations all(Model model, NDArray tokens, NDManager manager) {
        return run(model, tokens, NameFilter.all(), manager);
    }
}

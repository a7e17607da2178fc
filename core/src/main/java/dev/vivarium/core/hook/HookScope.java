package dev.vivarium.core.hook;

/**
 * The hooks added by one call; closing it removes exactly those hooks. Use it in
 * try-with-resources so that no hook outlives the code that needed it, even on exception.
 */
@FunctionalInterface
public interface HookScope extends AutoCloseable {
    @Override
    void close();
}

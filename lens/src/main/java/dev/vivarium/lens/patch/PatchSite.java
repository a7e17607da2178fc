package dev.vivarium.lens.patch;

import dev.vivarium.lens.cache.Selection;

/**
 * One place to patch: a hook point, the part of its activation, and how to patch it.
 *
 * @param hook hook point name, e.g. {@code blocks.0.hook_resid_pre}
 * @param selection positions, heads or neurons within it
 * @param setter how the clean activation enters the corrupted run
 */
public record PatchSite(String hook, Selection selection, PatchSetter setter) {
    public PatchSite {
        if (hook == null || hook.isBlank()) {
            throw new IllegalArgumentException("hook: required");
        }
        if (selection == null) {
            selection = Selection.ALL;
        }
        if (setter == null) {
            setter = PatchSetter.COPY;
        }
    }

    /** A site patched by copying the clean values. */
    public static PatchSite of(String hook, Selection selection) {
        return new PatchSite(hook, selection, PatchSetter.COPY);
    }

    /** {@code hook[selection]}, e.g. {@code blocks.0.hook_resid_pre[pos=2]}. */
    public String label() {
        return hook + "[" + selection.label() + "]";
    }
}

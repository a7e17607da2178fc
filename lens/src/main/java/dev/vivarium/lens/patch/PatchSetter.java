package dev.vivarium.lens.patch;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import dev.vivarium.lens.cache.Selection;

/** How a site is patched: from the corrupted activation and the clean one, the activation to use. */
@FunctionalInterface
public interface PatchSetter {
    /**
     * @param hook the hook point's name
     * @param corrupted the activation of the corrupted run, {@code [batch, ...]}
     * @param clean the activation of the clean run at the same point, same shape
     * @param selection the part of the activation this site covers
     */
    NDArray patch(String hook, NDArray corrupted, NDArray clean, Selection selection);

    /** Copies the selected entries from the clean run, bit for bit (a select, not arithmetic). */
    PatchSetter COPY = (hook, corrupted, clean, selection) -> {
        if (selection.isAll()) {
            return clean.duplicate();
        }
        NDArray mask = selection.mask(hook, corrupted.getShape(), corrupted.getManager());
        NDArray chosen = mask.gt(mask.zerosLike()).broadcast(corrupted.getShape()); // [batch, ...] bool
        return NDArrays.where(chosen, clean, corrupted);
    };
}

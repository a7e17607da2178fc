package dev.vivarium.store.safetensors;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * The content of a safetensors file: its tensors in file order and its {@code __metadata__}.
 *
 * @param tensors by name, in the order given (header order when read); unmodifiable
 * @param metadata free-form string pairs, in the order given; unmodifiable
 */
public record SafetensorsFile(Map<String, Tensor> tensors, Map<String, String> metadata) {

    private static final int NAMES_SHOWN = 20;

    /** Copies both maps, keeping their iteration order. */
    public SafetensorsFile {
        tensors = Collections.unmodifiableMap(new LinkedHashMap<>(Objects.requireNonNull(tensors, "tensors")));
        metadata = Collections.unmodifiableMap(new LinkedHashMap<>(Objects.requireNonNull(metadata, "metadata")));
    }

    /**
     * The tensor called {@code name}.
     *
     * @throws IllegalArgumentException naming the missing key and listing the first names that exist
     */
    public Tensor get(String name) {
        Tensor t = tensors.get(name);
        if (t == null) {
            String shown = tensors.keySet().stream().limit(NAMES_SHOWN).collect(Collectors.joining(", "));
            String more = tensors.size() > NAMES_SHOWN ? ", ... (" + tensors.size() + " in all)" : "";
            throw new IllegalArgumentException(
                    "no tensor \"" + name + "\"; the file has: " + (tensors.isEmpty() ? "(none)" : shown + more));
        }
        return t;
    }
}

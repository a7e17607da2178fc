package dev.vivarium.store.safetensors;

import java.util.Arrays;
import java.util.stream.Collectors;

/** Element types of the safetensors format, named exactly as they appear in a file's header. */
public enum DType {
    F64(8),
    F32(4),
    F16(2),
    BF16(2),
    I64(8),
    I32(4),
    I16(2),
    I8(1),
    U8(1),
    BOOL(1);

    private final int size;

    DType(int size) {
        this.size = size;
    }

    /** Bytes per element. */
    public int size() {
        return size;
    }

    /**
     * The dtype spelled {@code s} in a header ({@code "F32"}, {@code "BOOL"}, ...), case-sensitive as the
     * format requires.
     *
     * @throws IllegalArgumentException naming the value and the allowed ones
     */
    public static DType parse(String s) {
        for (DType d : values()) {
            if (d.name().equals(s)) {
                return d;
            }
        }
        throw new IllegalArgumentException("unknown dtype \"" + s + "\", allowed: " + allowed());
    }

    static String allowed() {
        return Arrays.stream(values()).map(Enum::name).collect(Collectors.joining(", "));
    }
}

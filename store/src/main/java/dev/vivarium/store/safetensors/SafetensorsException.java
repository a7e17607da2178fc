package dev.vivarium.store.safetensors;

import java.io.IOException;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * A safetensors file that cannot be read as the format requires. The message names the file, the tensor
 * and the byte offset where they apply, and what was expected, e.g. {@code "run/ckpt.safetensors: tensor
 * 'embed.W_E': shape [2, 3] F32 needs 24 bytes, data_offsets give 20 (at byte 96)"}.
 */
public final class SafetensorsException extends IOException {

    private static final long serialVersionUID = 1L;

    private final String source;
    private final Optional<String> tensorName;
    private final OptionalLong byteOffset;

    /** A problem with the file as a whole. */
    public SafetensorsException(String source, String problem) {
        this(source, Optional.empty(), OptionalLong.empty(), problem);
    }

    /**
     * @param source the file (or other source) name
     * @param tensorName the header entry concerned, if any
     * @param byteOffset the offset from the start of the file, if known
     * @param problem what is wrong and what was expected
     */
    public SafetensorsException(String source, Optional<String> tensorName, OptionalLong byteOffset, String problem) {
        super(message(source, tensorName, byteOffset, problem));
        this.source = Objects.requireNonNull(source, "source");
        this.tensorName = tensorName;
        this.byteOffset = byteOffset;
    }

    /** The file or other source that was being read. */
    public String source() {
        return source;
    }

    /** The header entry concerned, if the problem is about one tensor. */
    public Optional<String> tensorName() {
        return tensorName;
    }

    /** Offset from the start of the file where the problem is, if known. */
    public OptionalLong byteOffset() {
        return byteOffset;
    }

    private static String message(String source, Optional<String> tensorName, OptionalLong byteOffset, String problem) {
        StringBuilder m = new StringBuilder(source).append(": ");
        tensorName.ifPresent(n -> m.append("tensor '").append(n).append("': "));
        m.append(problem);
        byteOffset.ifPresent(o -> m.append(" (at byte ").append(o).append(')'));
        return m.toString();
    }
}

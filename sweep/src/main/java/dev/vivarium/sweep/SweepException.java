package dev.vivarium.sweep;

/** A sweep spec that cannot be expanded; the one-line message names the spec file, the key and the point. */
public final class SweepException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public SweepException(String message) {
        super(message);
    }

    public SweepException(String message, Throwable cause) {
        super(message, cause);
    }
}

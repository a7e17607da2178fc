package dev.vivarium.core.recipe;

/** A recipe that cannot be used; the message names the file, the field, the value and what is allowed. */
public final class RecipeException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public RecipeException(String message) {
        super(message);
    }

    public RecipeException(String message, Throwable cause) {
        super(message, cause);
    }
}

package dev.vivarium.app.web;

/** A request for something the dashboard does not have or will not serve; answered with 404 and the message. */
public final class NotFound extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** With the one-line reason. */
    public NotFound(String message) {
        super(message);
    }
}

package dev.kiln.api.error;

/** The operation needs a plugin that is not installed, or a feature not built yet. Maps to 501 / UNIMPLEMENTED. */
public final class NotImplementedException extends KilnException {
    private static final long serialVersionUID = 1L;

    public NotImplementedException(String message) {
        super(message);
    }

    public NotImplementedException(String message, Throwable cause) {
        super(message, cause);
    }
}

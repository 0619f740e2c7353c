package dev.kiln.api.error;

/** The entity to create exists already (duplicate name or id). Maps to 409 / ALREADY_EXISTS. */
public final class ConflictException extends KilnException {
    private static final long serialVersionUID = 1L;

    public ConflictException(String message) {
        super(message);
    }

    public ConflictException(String message, Throwable cause) {
        super(message, cause);
    }
}

package dev.kiln.api.error;

/** The request is malformed or a field has a wrong value; the message names the field. Maps to 400 / INVALID_ARGUMENT. */
public final class InvalidArgumentException extends KilnException {
    private static final long serialVersionUID = 1L;

    public InvalidArgumentException(String message) {
        super(message);
    }

    public InvalidArgumentException(String message, Throwable cause) {
        super(message, cause);
    }
}

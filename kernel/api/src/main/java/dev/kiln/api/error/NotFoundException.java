package dev.kiln.api.error;

/** A named entity (virtual host, application, profile, stream, task) does not exist. Maps to 404 / NOT_FOUND. */
public final class NotFoundException extends KilnException {
    private static final long serialVersionUID = 1L;

    public NotFoundException(String message) {
        super(message);
    }

    public NotFoundException(String message, Throwable cause) {
        super(message, cause);
    }
}

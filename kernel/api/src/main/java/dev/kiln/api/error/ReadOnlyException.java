package dev.kiln.api.error;

/** The entity is declared in the configuration file and cannot be changed through the API. Maps to 403 / PERMISSION_DENIED. */
public final class ReadOnlyException extends KilnException {
    private static final long serialVersionUID = 1L;

    public ReadOnlyException(String message) {
        super(message);
    }

    public ReadOnlyException(String message, Throwable cause) {
        super(message, cause);
    }
}

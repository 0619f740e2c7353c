package dev.kiln.api.error;

/**
 * Base of the domain errors that the kernel and plugins raise towards the control API.
 * The message is written for the API user: it names what is wrong, e.g.
 * {@code Could not find the application: [default/app1]}. The gateway maps each subclass to
 * one gRPC status and one HTTP status in a single place.
 */
public abstract class KilnException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    protected KilnException(String message) {
        super(message);
    }

    protected KilnException(String message, Throwable cause) {
        super(message, cause);
    }
}

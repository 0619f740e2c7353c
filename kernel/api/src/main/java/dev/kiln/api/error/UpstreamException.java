package dev.kiln.api.error;

/** A remote peer (pull source, push target) failed or could not be reached. Maps to 502 / UNAVAILABLE. */
public final class UpstreamException extends KilnException {
    private static final long serialVersionUID = 1L;

    public UpstreamException(String message) {
        super(message);
    }

    public UpstreamException(String message, Throwable cause) {
        super(message, cause);
    }
}

package dev.kiln.ingest.rtsp.internal.av;

/** An RTSP session failed: could not be opened, ended, passed its deadline, or was interrupted. */
public final class RtspException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Why. */
    public enum Kind { FAILED, TIMED_OUT, STOPPED }

    private final Kind kind;

    public RtspException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}

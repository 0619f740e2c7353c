package dev.kiln.recorder.internal.mux;

/** FFmpeg refused to open or write a file; the message says which file and why. */
public final class MuxException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public MuxException(String message) {
        super(message);
    }
}

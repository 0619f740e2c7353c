package dev.kiln.codec.internal.av;

/** An FFmpeg call failed; the message carries FFmpeg's own text. */
public final class AvException extends RuntimeException {
    public AvException(String message) {
        super(message);
    }
}

package dev.kiln.push.internal.ffmpeg;

/** FFmpeg refused a step of a push (connect, header, write); the message says which and why. */
final class MuxException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    MuxException(String message) {
        super(message);
    }
}

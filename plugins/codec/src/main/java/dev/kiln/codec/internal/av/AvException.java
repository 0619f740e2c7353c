package dev.kiln.codec.internal.av;

/** An FFmpeg call failed; the message carries FFmpeg's own text. */
public final class AvException extends RuntimeException {
    private final String module;

    public AvException(String message) {
        this(message, "");
    }

    /** @param module the encoder module that failed ("nvenc", …), empty when none was chosen */
    public AvException(String message, String module) {
        super(message);
        this.module = module;
    }

    /** The encoder module that failed, empty when none was chosen. */
    public String module() {
        return module;
    }
}

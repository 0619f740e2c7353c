package dev.kiln.codec.internal.av;

import static org.bytedeco.ffmpeg.global.avutil.av_strerror;

/** FFmpeg return codes as exceptions and messages. */
public final class Av {
    private Av() {}

    /** FFmpeg's text for an error code, e.g. "Invalid argument". */
    public static String message(int code) {
        byte[] buf = new byte[256];
        av_strerror(code, buf, buf.length);
        int n = 0;
        while (n < buf.length && buf[n] != 0) {
            n++;
        }
        return new String(buf, 0, n, java.nio.charset.StandardCharsets.UTF_8) + " (" + code + ")";
    }

    /** Throws {@link AvException} when {@code code} is negative; returns it otherwise. */
    public static int check(int code, String what) {
        if (code < 0) {
            throw new AvException(what + ": " + message(code));
        }
        return code;
    }
}

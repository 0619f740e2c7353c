package dev.kiln.recorder.internal.mux;

import java.util.Locale;
import java.util.Optional;

/** The file formats a recording can be written in, chosen by the file name's extension. */
public enum Container {
    /** MPEG-TS: H.264/H.265 as Annex B, AAC as ADTS (written by {@code ts.TsWriter}, or FFmpeg's muxer). */
    TS("mpegts"),
    /** Fragmented MP4: playable up to its last fragment when cut. */
    MP4("mp4");

    private final String muxer;

    Container(String muxer) {
        this.muxer = muxer;
    }

    /** FFmpeg's muxer name. */
    public String muxer() {
        return muxer;
    }

    public static Optional<Container> byFileName(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        if (n.endsWith(".ts")) {
            return Optional.of(TS);
        }
        if (n.endsWith(".mp4")) {
            return Optional.of(MP4);
        }
        return Optional.empty();
    }
}

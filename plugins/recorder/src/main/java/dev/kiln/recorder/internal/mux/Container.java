package dev.kiln.recorder.internal.mux;

import java.util.Locale;
import java.util.Optional;

/** The file formats a recording can be written in, chosen by the file name's extension. */
public enum Container {
    /** MPEG-TS: H.264/H.265 as Annex B, AAC as ADTS (written by {@code ts.TsWriter}, or FFmpeg's muxer). */
    TS("mpegts"),
    /** Fragmented MP4: playable up to its last fragment when cut. */
    MP4("mp4"),
    /** QuickTime: the index is written when the file is finished. */
    MOV("mov"),
    /** AVI: H.264/H.265 as Annex B; the index is written when the file is finished. */
    AVI("avi"),
    /** FLV: H.264 and AAC (FFmpeg's muxer refuses what FLV cannot carry). */
    FLV("flv");

    private final String muxer;

    Container(String muxer) {
        this.muxer = muxer;
    }

    /** FFmpeg's muxer name. */
    public String muxer() {
        return muxer;
    }

    /** The file name extension, without the dot. */
    public String extension() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<Container> byFileName(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        for (Container c : values()) {
            if (n.endsWith("." + c.extension())) {
                return Optional.of(c);
            }
        }
        return Optional.empty();
    }
}

package dev.kiln.api.media;

import java.util.Locale;
import java.util.Optional;

/** Codecs Kiln knows by name. Dispatch on a codec is one switch with a default branch. */
public enum Codec {
    H264(MediaType.VIDEO, "H264"),
    H265(MediaType.VIDEO, "H265"),
    VP8(MediaType.VIDEO, "VP8"),
    VP9(MediaType.VIDEO, "VP9"),
    AV1(MediaType.VIDEO, "AV1"),
    AAC(MediaType.AUDIO, "AAC"),
    OPUS(MediaType.AUDIO, "OPUS"),
    MP3(MediaType.AUDIO, "MP3"),
    ID3(MediaType.DATA, "ID3");

    private final MediaType type;
    private final String displayName;

    Codec(MediaType type, String displayName) {
        this.type = type;
        this.displayName = displayName;
    }

    public MediaType type() {
        return type;
    }

    /** Name as the REST API shows it ("H264", "AAC", …). */
    public String displayName() {
        return displayName;
    }

    /** Parses an output-profile codec name (case-insensitive; "hevc" is H265, "mp4a" AAC). */
    public static Optional<Codec> fromProfileName(String name) {
        if (name == null) {
            return Optional.empty();
        }
        switch (name.toLowerCase(Locale.ROOT)) {
            case "h264", "avc", "avc1": return Optional.of(H264);
            case "h265", "hevc", "hvc1": return Optional.of(H265);
            case "vp8": return Optional.of(VP8);
            case "vp9": return Optional.of(VP9);
            case "av1": return Optional.of(AV1);
            case "aac", "mp4a": return Optional.of(AAC);
            case "opus": return Optional.of(OPUS);
            case "mp3": return Optional.of(MP3);
            default: return Optional.empty();
        }
    }
}

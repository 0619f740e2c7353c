package dev.kiln.api.stream;

import dev.kiln.api.media.Codec;
import java.util.Objects;

/**
 * How one track of an output stream is made, for stream info.
 *
 * @param trackId the track's id in the output stream; a track that failed to open keeps its
 *                id, and the output has no track with it
 * @param name    the encode name from the output profile
 * @param codec   the track's codec (for a failed track, the codec it was to have)
 * @param module  what makes it: {@link #BYPASS} for a passed-through track, else the encoder
 *                module ("x264", "openh264", "libvpx", "nvenc", "opus", "aac", …); for a
 *                failed track the module that was tried, or empty when none was chosen
 * @param error   null while the track is produced; otherwise why it is not (FFmpeg's message)
 */
public record OutputTrackStatus(int trackId, String name, Codec codec, String module, String error) {
    /** The module of a passed-through track. */
    public static final String BYPASS = "bypass";

    public OutputTrackStatus {
        name = name == null ? "" : name;
        Objects.requireNonNull(codec, "codec");
        module = module == null ? "" : module;
    }

    /** A track made by {@code module}. */
    public static OutputTrackStatus ok(int trackId, String name, Codec codec, String module) {
        return new OutputTrackStatus(trackId, name, codec, module, null);
    }

    /** A track that failed to open, or stopped. */
    public static OutputTrackStatus failed(int trackId, String name, Codec codec, String module, String error) {
        return new OutputTrackStatus(trackId, name, codec, module, Objects.requireNonNull(error, "error"));
    }

    public boolean failed() {
        return error != null;
    }
}

package dev.kiln.ingest.rtsp.internal.media;

import dev.kiln.api.media.Track;

/**
 * Turns the packets of one RTSP stream into a Kiln track: knows the track (once the codec
 * configuration is known) and converts each packet's payload.
 */
public interface TrackConverter {

    /** The track, or null while its codec configuration is still missing. */
    Track track();

    /**
     * True once when the track changed since the last call (first known, or new parameter sets):
     * the tracks must be declared again.
     */
    boolean takeChanged();

    /** The packet in Kiln's payload format, or null when it carries nothing to pass on. */
    Frame convert(byte[] data, boolean keyFlag);

    /** The converter for a stream, or null when Kiln does not take its codec. */
    static TrackConverter of(int trackId, SourceStream stream) {
        return switch (stream.codecName()) {
            case "h264" -> new VideoConverter(trackId, VideoConverter.Kind.H264, stream);
            case "hevc" -> new VideoConverter(trackId, VideoConverter.Kind.H265, stream);
            case "aac" -> AacConverter.of(trackId, stream);
            default -> null;
        };
    }
}

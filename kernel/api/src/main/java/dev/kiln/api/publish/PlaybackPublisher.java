package dev.kiln.api.publish;

import dev.kiln.api.media.StreamKey;

/**
 * A playback publisher plugin (the LL-HLS publisher), registered as an OSGi service with the
 * property {@value #PROTOCOL_PROPERTY}. The kernel validates API requests (400 naming the
 * field) before it calls here; a publisher throws the SPI's domain errors for what only it
 * can tell ({@code NotFoundException} for an output stream it does not serve,
 * {@code ConflictException} for a dump id in use).
 */
public interface PlaybackPublisher {
    /** Service property naming the protocol, e.g. {@code llhls}. */
    String PROTOCOL_PROPERTY = "kiln.publisher";

    /**
     * Inserts timed metadata into the next parts of every output stream of {@code input}.
     *
     * @return how many output streams got the event
     */
    int sendEvent(StreamKey input, PlaybackEvent event);

    /** Starts writing an output stream's playlists and segments to a folder. */
    void startHlsDump(HlsDumpRequest request);

    /**
     * Stops the dump {@code id} of an output stream, or all its dumps when {@code id} is empty.
     *
     * @return how many dumps stopped
     */
    int stopHlsDump(StreamKey output, String id);
}

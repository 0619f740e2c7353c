package dev.kiln.api.stream;

import dev.kiln.api.media.Track;
import java.util.List;

/**
 * Stream lifecycle events, for plugins: register an implementation as an OSGi service and the
 * kernel calls it for every input and output stream. Calls are made off the ingest thread
 * and must return quickly; a listener that throws is logged and skipped.
 */
public interface StreamListener {

    /** A stream appeared (tracks may not be known yet). */
    default void streamCreated(LiveStream stream) {}

    /** A stream's tracks are known (or changed). */
    default void tracksReady(LiveStream stream, List<Track> tracks) {}

    /** A stream ended. */
    default void streamClosed(LiveStream stream) {}
}

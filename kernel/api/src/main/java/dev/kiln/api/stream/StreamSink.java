package dev.kiln.api.stream;

import dev.kiln.api.media.MediaPacket;
import dev.kiln.api.media.Track;
import java.util.List;

/**
 * Receives one stream. Calls for one subscription come from one thread at a time, never an
 * ingest or event-loop thread, so a sink may block on disk or FFmpeg work (it only delays
 * itself; a full queue drops its packets, never the source's or other sinks'). An exception
 * thrown from a sink ends that subscription only, with a log line.
 */
public interface StreamSink {

    /** The tracks, before the first packet and again whenever they change. */
    void onTracks(List<Track> tracks);

    /** A packet; the sink owns one payload reference and must release it. */
    void onPacket(MediaPacket packet);

    /** The stream ended (source gone or subscription closed); the last call. */
    void onEnd();
}

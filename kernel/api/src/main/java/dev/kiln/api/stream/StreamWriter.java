package dev.kiln.api.stream;

import dev.kiln.api.media.MediaPacket;
import dev.kiln.api.media.StreamKey;
import dev.kiln.api.media.Track;
import java.util.List;

/**
 * The source side of an input stream. Calls come from one thread at a time (the source's
 * connection); none of them blocks: packets are handed to each subscriber's queue.
 */
public interface StreamWriter extends AutoCloseable {

    StreamKey key();

    /**
     * Declares (or re-declares, after a codec change) the tracks. Packets for a track id not
     * declared are dropped.
     */
    void setTracks(List<Track> tracks);

    /** Hands a packet to the bus; the writer takes over the caller's payload reference. */
    void write(MediaPacket packet);

    /** Counts bytes received on the wire for this stream (protocol overhead included). */
    void countBytesIn(long bytes);

    /** Ends the stream: subscribers get their end signal, the name becomes free. Idempotent. */
    @Override
    void close();
}

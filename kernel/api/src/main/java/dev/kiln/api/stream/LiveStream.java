package dev.kiln.api.stream;

import dev.kiln.api.media.StreamKey;
import dev.kiln.api.media.Track;
import java.time.OffsetDateTime;
import java.util.List;

/** A live input stream, or an output stream an output profile makes of one. */
public interface LiveStream {

    /**
     * The subscription kind of a publisher's own feed: neither a connection nor bytes out in
     * the statistics; the publisher counts its viewers with {@link #openViewer} instead.
     */
    String UNCOUNTED = "";

    StreamKey key();

    /** True for a published/pulled stream; false for an output-profile stream. */
    boolean isInput();

    /** For an output stream, its input; for an input stream, itself. */
    StreamKey inputKey();

    /** "Rtmp", "Srt", … (for output streams: the input's). */
    String sourceType();

    OffsetDateTime createdTime();

    /** Tracks declared so far; empty until the source knows them. */
    List<Track> tracks();

    /**
     * Tracks an output profile asks for that cannot be produced now, with the reason, e.g.
     * an Opus encode while no codec plugin is installed. Empty for input streams.
     */
    List<UnavailableTrack> unavailableTracks();

    /**
     * For an output stream, how each of its tracks is made (passed through or by which encoder
     * module) and which ones failed, with the error; ordered by track id. Empty for input
     * streams, and while it is not known yet.
     */
    default List<OutputTrackStatus> trackStatus() {
        return List.of();
    }

    /** Measured parameters of a track (bitrate, frame rate, key frame interval, …). */
    TrackStats trackStats(int trackId);

    /** Traffic counters of this stream. */
    TrafficStats traffic();

    /**
     * Subscribes a sink. It first gets the tracks, then the packets since the last key frame
     * (the GOP cache), then live packets, on its own thread, through a bounded queue: when the
     * sink falls behind, packets are dropped up to the next key frame and counted.
     *
     * @param sink      receives tracks, packets and the end
     * @param kind      connection kind for statistics ("file", "rtmppush", "srtpush", …), or
     *                  {@link #UNCOUNTED} for a publisher that counts its viewers itself
     *                  with {@link #openViewer}
     * @param queueSize packets the queue holds before dropping
     */
    Subscription subscribe(StreamSink sink, String kind, int queueSize);

    /**
     * Counts a viewer of a playback publisher in this stream's statistics (for an output
     * stream: in its input's, as every other connection).
     *
     * @param kind connection kind, e.g. {@code llhls}
     */
    default Viewer openViewer(String kind) {
        return new Viewer() {
            @Override
            public void sent(long bytes) {}

            @Override
            public void close() {}
        };
    }

    /**
     * The multivariant playlists the output profile declares for this output stream; empty for
     * an input stream or a profile that declares none.
     */
    default List<OutputPlaylist> playlists() {
        return List.of();
    }

    /** Asks the source to disconnect (the REST API's DELETE). */
    void disconnect();
}

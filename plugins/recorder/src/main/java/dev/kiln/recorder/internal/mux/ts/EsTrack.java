package dev.kiln.recorder.internal.mux.ts;

import dev.kiln.api.media.Track;
import java.nio.ByteBuffer;

/**
 * One elementary stream of a transport stream file: its PID, PES stream id, PMT stream type and
 * descriptors, the conversion of a track's timestamps to the 90 kHz clock, and the conversion of
 * one Kiln payload into the bytes the PES carries. Subclasses never allocate per frame.
 */
abstract class EsTrack {
    final int pid;
    final int streamId;
    final int streamType;
    final byte[] descriptors;
    final boolean video;
    private final int timescale;
    private final long ticksPerUnit;
    long lastDts = Long.MIN_VALUE;

    EsTrack(Track track, int pid, int streamId, int streamType, byte[] descriptors) {
        this.pid = pid;
        this.streamId = streamId;
        this.streamType = streamType;
        this.descriptors = descriptors;
        this.video = track.type() == dev.kiln.api.media.MediaType.VIDEO;
        this.timescale = track.timescale();
        this.ticksPerUnit = TsWriter.CLOCK % timescale == 0 ? TsWriter.CLOCK / timescale : 0;
    }

    /** {@code t} (non-negative, in the track's timescale) on the 90 kHz clock. */
    final long ticks(long t) {
        if (ticksPerUnit != 0) {
            return t * ticksPerUnit;
        }
        return t / timescale * TsWriter.CLOCK + t % timescale * TsWriter.CLOCK / timescale;
    }

    /** The most bytes {@link #payload} writes for a source of {@code sourceLength} bytes. */
    abstract int maxPayload(int sourceLength);

    /**
     * Writes the PES payload for one frame (from {@code src}'s position to its limit, which stay
     * as they are) into {@code dst} at {@code off}.
     *
     * @return the end offset in {@code dst}, or -1 when the frame cannot be carried (dropped)
     */
    abstract int payload(ByteBuffer src, boolean keyframe, byte[] dst, int off);
}

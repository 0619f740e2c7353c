package dev.kiln.codec.internal.session;

import dev.kiln.api.media.MediaPacket;
import dev.kiln.api.stream.StreamWriter;
import java.util.HashMap;
import java.util.Map;
import java.util.PriorityQueue;

/**
 * Hands an output stream's packets on in decode-time order across its tracks. Encoders hold
 * frames back for different times (x264's lookahead and frame threads keep video ~0.5 s
 * behind Opus), so without this the output's audio runs ahead of its video: a recorder that
 * starts at a video key frame would drop the audio of that lead and start late. A packet
 * leaves once every other track has reached its time, or once it is {@link #MAX_WAIT_US}
 * older than the newest packet (a track that stalls or stops holds nothing up for longer).
 * Worker thread only.
 */
final class Interleaver implements AutoCloseable {
    static final long MAX_WAIT_US = 2_000_000;

    private record Pending(long timeUs, long seq, MediaPacket packet) {}

    private final StreamWriter output;
    private final Map<Integer, Integer> timescales;
    /** Per track, the decode time (µs) of the last packet seen; absent until its first. */
    private final Map<Integer, Long> reached = new HashMap<>();
    private final PriorityQueue<Pending> pending = new PriorityQueue<>((a, b) -> a.timeUs != b.timeUs
            ? Long.compare(a.timeUs, b.timeUs) : Long.compare(a.seq, b.seq));
    private long seq;
    private long newest = Long.MIN_VALUE;

    /** @param timescales the timescale of each output track that will write, by track id */
    Interleaver(StreamWriter output, Map<Integer, Integer> timescales) {
        this.output = output;
        this.timescales = new HashMap<>(timescales);
    }

    /** Takes over the packet's payload reference. */
    void write(MediaPacket p) {
        Integer scale = timescales.get(p.trackId());
        if (scale == null) {
            output.write(p);
            return;
        }
        long t = Math.multiplyExact(p.dts(), 1_000_000L) / scale;
        reached.merge(p.trackId(), t, Math::max);
        newest = Math.max(newest, t);
        pending.add(new Pending(t, seq++, p));
        drain();
    }

    /** A track that writes no more (its encoder failed): nothing waits for it. */
    void forget(int trackId) {
        timescales.remove(trackId);
        reached.remove(trackId);
        drain();
    }

    private void drain() {
        while (!pending.isEmpty()) {
            Pending head = pending.peek();
            if (head.timeUs > newest - MAX_WAIT_US && !everyOtherTrackReached(head)) {
                return;
            }
            pending.poll();
            output.write(head.packet);
        }
    }

    private boolean everyOtherTrackReached(Pending p) {
        for (int id : timescales.keySet()) {
            if (id == p.packet.trackId()) {
                continue;
            }
            Long r = reached.get(id);
            if (r == null || r < p.timeUs) {
                return false;
            }
        }
        return true;
    }

    /** End of input: everything still held goes out, in order. */
    void flush() {
        while (!pending.isEmpty()) {
            output.write(pending.poll().packet);
        }
    }

    /** Drops what is held (the session stops). */
    @Override
    public void close() {
        while (!pending.isEmpty()) {
            pending.poll().packet.payload().release();
        }
    }
}

package dev.kiln.ingest.rtsp.internal.media;

import java.util.HashMap;
import java.util.Map;

/**
 * Maps the timestamps of successive RTSP connections onto one timeline per track, so that the
 * stream's subscribers see decoding times that only increase, across reconnects and failovers.
 *
 * <p>The first connection keeps FFmpeg's timestamps. Each later connection gets one offset for all
 * its tracks (keeping their relative timing), chosen so that its first packet comes just after
 * the latest packet of the previous connection. Within a connection a
 * track whose time jumps (backwards more than {@link #MAX_BACKSTEP_S}, or forwards more than
 * {@link #MAX_GAP_S}, as when FFmpeg re-synchronizes on an RTCP sender report) is shifted to
 * continue where it was; smaller steps back get a decoding time just after the last one.
 * Missing timestamps ({@link #NONE}) continue from the last packet. Not thread-safe.
 */
public final class Timeline {
    /** A missing timestamp. */
    public static final long NONE = Long.MIN_VALUE;
    static final double MAX_BACKSTEP_S = 1.0;
    static final double MAX_GAP_S = 10.0;
    /** Space left between the last packet of a connection and the first of the next one. */
    static final double RECONNECT_GAP_S = 0.1;

    private final Map<Integer, Clock> clocks = new HashMap<>();
    private boolean offsetKnown;
    private double offsetS;
    /** Where the current connection starts, in seconds. */
    private double startS;

    /** Timestamps of a packet on this timeline: pts ≥ dts. */
    public record Stamp(long pts, long dts) {}

    /** A new connection starts: its first packet sets the offset. */
    public void newConnection() {
        double latest = -1;
        for (Clock c : clocks.values()) {
            if (c.last != NONE) {
                latest = Math.max(latest, (double) (c.last + c.step()) / c.timescale);
            }
        }
        startS = latest < 0 ? 0 : latest + RECONNECT_GAP_S;
        offsetKnown = false;
        clocks.values().forEach(c -> c.fix = 0);
    }

    /**
     * Maps a packet's timestamps, given in the track's timescale.
     *
     * @param trackId   the track
     * @param timescale units per second of the track
     * @param pts       presentation time or {@link #NONE}
     * @param dts       decoding time or {@link #NONE}
     */
    public Stamp map(int trackId, int timescale, long pts, long dts) {
        Clock c = clocks.computeIfAbsent(trackId, id -> new Clock(timescale));
        if (dts == NONE) {
            dts = pts;
        }
        if (dts == NONE) {
            long out = c.last == NONE ? Math.round(startS * timescale) : c.last + c.step();
            c.advance(out);
            return new Stamp(out, out);
        }
        if (pts == NONE) {
            pts = dts;
        }
        if (!offsetKnown) {
            // The first connection keeps FFmpeg's times (they start near 0 for every RTSP stream).
            offsetS = startS == 0 ? 0 : startS - (double) dts / timescale;
            offsetKnown = true;
        }
        long shift = Math.round(offsetS * timescale) + c.fix;
        long out = dts + shift;
        if (c.last != NONE) {
            long back = c.last - out;
            if (back > MAX_BACKSTEP_S * timescale || out - c.last > MAX_GAP_S * timescale) {
                long wanted = c.last + c.step();
                c.fix += wanted - out;
                shift += wanted - out;
                out = wanted;
            } else if (out <= c.last) {
                out = c.last + 1;
            }
        }
        c.advance(out);
        return new Stamp(Math.max(pts + shift, out), out);
    }

    private static final class Clock {
        final int timescale;
        long last = NONE;
        long delta;
        long fix;

        Clock(int timescale) {
            this.timescale = timescale;
        }

        long step() {
            return Math.max(delta, 1);
        }

        void advance(long out) {
            if (last != NONE && out > last && out - last < timescale) {
                delta = out - last;
            }
            last = out;
        }
    }
}

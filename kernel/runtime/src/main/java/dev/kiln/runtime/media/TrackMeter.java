package dev.kiln.runtime.media;

import dev.kiln.api.media.MediaPacket;
import dev.kiln.api.stream.TrackStats;

/**
 * Measures one track from its packets' decoding timestamps: bitrate and frame rate over the
 * last few seconds of media time, frames between the last two key frames, and whether
 * B-frames occur. Media time, not arrival time, so bursty delivery does not skew it.
 */
final class TrackMeter {
    private static final int WINDOW_SECONDS = 4;

    private final long timescale;
    // The window's samples in a ring of primitives: one packet adds no object.
    private long[] dts = new long[256];
    private int[] bytes = new int[256];
    private int head;
    private int size;
    private long windowBytes;
    private int framesSinceKey = -1;
    private int keyFrameInterval;
    private boolean hasBframes;

    TrackMeter(int timescale) {
        this.timescale = timescale;
    }

    synchronized void add(MediaPacket p) {
        int length = p.payload().length();
        long time = p.dts();
        if (size == dts.length) {
            grow();
        }
        int tail = (head + size) & (dts.length - 1);
        dts[tail] = time;
        bytes[tail] = length;
        size++;
        windowBytes += length;
        long horizon = time - WINDOW_SECONDS * timescale;
        while (size > 1 && dts[head] < horizon) {
            windowBytes -= bytes[head];
            head = (head + 1) & (dts.length - 1);
            size--;
        }
        if (p.keyframe()) {
            if (framesSinceKey > 0) {
                keyFrameInterval = framesSinceKey;
            }
            framesSinceKey = 1;
        } else if (framesSinceKey > 0) {
            framesSinceKey++;
        }
        if (p.pts() != p.dts()) {
            hasBframes = true;
        }
    }

    synchronized TrackStats stats() {
        if (size < 2) {
            return new TrackStats(0, 0, keyFrameInterval, hasBframes);
        }
        int last = (head + size - 1) & (dts.length - 1);
        long span = dts[last] - dts[head];
        if (span <= 0) {
            return new TrackStats(0, 0, keyFrameInterval, hasBframes);
        }
        // n samples cover n-1 intervals; the bytes of the first sample belong before the span.
        double seconds = (double) span / timescale;
        long bits = (windowBytes - bytes[head]) * 8L;
        double fps = (size - 1) / seconds;
        return new TrackStats(Math.round(bits / seconds), Math.round(fps * 100) / 100.0, keyFrameInterval, hasBframes);
    }

    /** Doubles the ring (its length stays a power of two), oldest sample first. */
    private void grow() {
        int n = dts.length;
        long[] d = new long[n * 2];
        int[] b = new int[n * 2];
        for (int i = 0; i < size; i++) {
            d[i] = dts[(head + i) & (n - 1)];
            b[i] = bytes[(head + i) & (n - 1)];
        }
        dts = d;
        bytes = b;
        head = 0;
    }
}

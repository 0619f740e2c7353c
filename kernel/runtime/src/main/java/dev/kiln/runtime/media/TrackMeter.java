package dev.kiln.runtime.media;

import dev.kiln.api.media.MediaPacket;
import dev.kiln.api.stream.TrackStats;
import java.util.ArrayDeque;

/**
 * Measures one track from its packets' decoding timestamps: bitrate and frame rate over the
 * last few seconds of media time, frames between the last two key frames, and whether
 * B-frames occur. Media time, not arrival time, so bursty delivery does not skew it.
 */
final class TrackMeter {
    private static final int WINDOW_SECONDS = 4;

    private record Sample(long dts, int bytes) {}

    private final long timescale;
    private final ArrayDeque<Sample> window = new ArrayDeque<>();
    private long windowBytes;
    private int framesSinceKey = -1;
    private int keyFrameInterval;
    private boolean hasBframes;

    TrackMeter(int timescale) {
        this.timescale = timescale;
    }

    synchronized void add(MediaPacket p) {
        window.add(new Sample(p.dts(), p.payload().length()));
        windowBytes += p.payload().length();
        long horizon = p.dts() - WINDOW_SECONDS * timescale;
        while (window.size() > 1 && window.peekFirst().dts() < horizon) {
            windowBytes -= window.pollFirst().bytes();
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
        if (window.size() < 2) {
            return new TrackStats(0, 0, keyFrameInterval, hasBframes);
        }
        long span = window.peekLast().dts() - window.peekFirst().dts();
        if (span <= 0) {
            return new TrackStats(0, 0, keyFrameInterval, hasBframes);
        }
        // n samples cover n-1 intervals; the bytes of the first sample belong before the span.
        double seconds = (double) span / timescale;
        long bits = (windowBytes - window.peekFirst().bytes()) * 8L;
        double fps = (window.size() - 1) / seconds;
        return new TrackStats(Math.round(bits / seconds), Math.round(fps * 100) / 100.0, keyFrameInterval, hasBframes);
    }
}

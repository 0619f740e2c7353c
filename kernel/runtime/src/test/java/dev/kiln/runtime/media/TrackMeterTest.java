package dev.kiln.runtime.media;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.api.media.HeapPayload;
import dev.kiln.api.media.MediaPacket;
import dev.kiln.api.stream.TrackStats;
import org.junit.jupiter.api.Test;

class TrackMeterTest {

    private static MediaPacket packet(long dts, long pts, int bytes, boolean key) {
        return new MediaPacket(0, pts, dts, key, new HeapPayload(new byte[bytes]));
    }

    @Test
    void bitrateFramerateAndKeyFrameIntervalOverTheLastSeconds() {
        TrackMeter meter = new TrackMeter(1000);
        // 10 s of 30 fps at 1000 bytes a frame, a key frame every 60 frames: far more samples
        // than the ring starts with, so it grows and wraps.
        for (int i = 0; i < 300; i++) {
            meter.add(packet(i * 1000L / 30, i * 1000L / 30, 1000, i % 60 == 0));
        }
        TrackStats stats = meter.stats();
        assertEquals(240_000, stats.bitrate(), 240_000 * 0.02);
        assertEquals(30.0, stats.framerate(), 0.2);
        assertEquals(60, stats.keyFrameInterval());
        assertFalse(stats.hasBframes());
    }

    @Test
    void theWindowForgetsOldBitrate() {
        TrackMeter meter = new TrackMeter(90_000);
        for (int i = 0; i < 600; i++) {
            meter.add(packet(i * 3000L, i * 3000L, i < 300 ? 10_000 : 1_000, i == 0));
        }
        // The last 4 s are all 1000-byte frames at 30 fps.
        assertEquals(240_000, meter.stats().bitrate(), 240_000 * 0.02);
    }

    @Test
    void reorderedTimestampsMeanBframes() {
        TrackMeter meter = new TrackMeter(1000);
        meter.add(packet(0, 66, 10, true));
        meter.add(packet(33, 33, 10, false));
        assertTrue(meter.stats().hasBframes());
    }

    @Test
    void fewerThanTwoSamplesMeasureNothing() {
        TrackMeter meter = new TrackMeter(1000);
        assertEquals(0, meter.stats().bitrate());
        meter.add(packet(0, 0, 100, true));
        assertEquals(0, meter.stats().bitrate());
    }
}

package dev.kiln.recordingtasks.internal.input;

import dev.kiln.proto.v1.RecordingInput;

/**
 * The generated test stream, with Callaba's defaults: 1920x1080 at 24 fps, 6000 kbit/s, a
 * 216 Hz sine, one hour.
 */
public record TestVideoSettings(int frameRate, int soundHz, int width, int height, int durationSeconds,
                                int bitrateKbps) {
    public static final int DEFAULT_RATE = 24;
    public static final int DEFAULT_HZ = 216;
    public static final int DEFAULT_WIDTH = 1920;
    public static final int DEFAULT_HEIGHT = 1080;
    public static final int DEFAULT_DURATION = 3600;
    public static final int DEFAULT_BITRATE = 6000;

    /** The input's settings with defaults for those not given (not validated). */
    public static TestVideoSettings of(RecordingInput in) {
        return new TestVideoSettings(
                in.hasEncodingRate() ? in.getEncodingRate() : DEFAULT_RATE,
                in.hasSoundHz() ? in.getSoundHz() : DEFAULT_HZ,
                in.hasResolutionWidth() ? in.getResolutionWidth() : DEFAULT_WIDTH,
                in.hasResolutionHeight() ? in.getResolutionHeight() : DEFAULT_HEIGHT,
                in.hasVideoDurationSec() ? in.getVideoDurationSec() : DEFAULT_DURATION,
                in.hasTestVideoBitrate() ? in.getTestVideoBitrate() : DEFAULT_BITRATE);
    }
}

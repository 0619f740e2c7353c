package dev.kiln.api.stream;

/**
 * Measured parameters of a track.
 *
 * @param bitrate          bits per second over the last few seconds
 * @param framerate        frames per second over the last few seconds (video)
 * @param keyFrameInterval frames between the last two key frames (video)
 * @param hasBframes       true once a packet with pts != dts was seen (video)
 */
public record TrackStats(long bitrate, double framerate, int keyFrameInterval, boolean hasBframes) {
    public static final TrackStats NONE = new TrackStats(0, 0, 0, false);
}

package dev.kiln.publish.llhls.internal.fmp4;

/**
 * One coded frame ready to be written into a fragment, timed in the track's fMP4 timescale.
 *
 * @param dts      decoding time
 * @param duration until the next frame's decoding time
 * @param cts      composition offset (pts - dts), may be negative
 * @param keyframe a random access point
 * @param data     the frame's bytes (length-prefixed NAL units, or a raw AAC frame)
 */
public record Sample(long dts, int duration, int cts, boolean keyframe, byte[] data) {}

package dev.kiln.ingest.rtsp.internal.media;

/**
 * A converted packet: the payload as Kiln's tracks carry it.
 *
 * @param data     length-prefixed NAL units (video) or a raw frame (audio)
 * @param keyframe a random access point (always true for audio)
 */
public record Frame(byte[] data, boolean keyframe) {}

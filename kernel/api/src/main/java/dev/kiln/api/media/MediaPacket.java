package dev.kiln.api.media;

/**
 * One coded frame of one track. Timestamps are in the track's timescale; {@code pts - dts}
 * is the composition offset (B-frames). The packet's owner holds one reference to the
 * payload: the media bus retains it once per subscriber, so a fan-out never copies bytes.
 *
 * @param trackId  id of the track within its stream
 * @param pts      presentation timestamp
 * @param dts      decoding timestamp
 * @param keyframe true for a random access point (IDR / key frame; always true for audio)
 * @param payload  the coded bytes (AVCC/HVCC length-prefixed NAL units for H.264/H.265,
 *                 raw frames for AAC)
 */
public record MediaPacket(int trackId, long pts, long dts, boolean keyframe, Payload payload) {
    public MediaPacket {
        if (payload == null) {
            throw new IllegalArgumentException("payload is required");
        }
    }

    /** Adds a reference to the payload for another owner; returns this packet. */
    public MediaPacket retain() {
        payload.retain();
        return this;
    }
}

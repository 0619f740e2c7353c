package dev.kiln.rtmp.protocol.flv;

import io.netty.buffer.ByteBuf;

/**
 * A parsed FLV video tag body.
 *
 * @param codec the codec named by the tag
 * @param kind what the tag carries
 * @param keyframe whether the frame type says key frame
 * @param dtsMs decode timestamp, the RTMP message timestamp
 * @param ptsMs presentation timestamp: {@code dtsMs} plus the composition time offset
 * @param config the decoder configuration record for {@link TagKind#CONFIG}, else {@code null}
 *     (a copy: configuration is small and outlives the tag)
 * @param payload for {@link TagKind#FRAME} and {@link TagKind#METADATA}, a slice of the tag
 *     body (length-prefixed NAL units for AVC/HEVC, OBUs for AV1, a frame for VP9), no copy
 *     and no extra reference: valid while the tag body is, {@code retain()} it to keep it;
 *     otherwise {@code null}
 */
public record VideoTag(VideoCodec codec, TagKind kind, boolean keyframe, long dtsMs, long ptsMs,
    byte[] config, ByteBuf payload) {

  /** Composition time offset in milliseconds. */
  public long compositionTimeMs() {
    return ptsMs - dtsMs;
  }
}

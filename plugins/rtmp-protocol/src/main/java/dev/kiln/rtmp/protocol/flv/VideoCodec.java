package dev.kiln.rtmp.protocol.flv;

/** Video codecs an FLV video tag can name. */
public enum VideoCodec {
  /** H.264: legacy codec id 7 or Enhanced RTMP {@code avc1}. */
  AVC,
  /** H.265: Enhanced RTMP {@code hvc1} (or the unofficial legacy codec id 12). */
  HEVC,
  /** Enhanced RTMP {@code av01}. */
  AV1,
  /** Enhanced RTMP {@code vp09}. */
  VP9,
  /** Legacy Sorenson H.263, screen video, VP6, or an unknown FourCC. */
  OTHER;

  /** The codec of an Enhanced RTMP FourCC, or {@link #OTHER}. */
  public static VideoCodec ofFourCc(int fourCc) {
    return switch (fourCc) {
      case 0x61766331 -> AVC; // avc1
      case 0x68766331 -> HEVC; // hvc1
      case 0x61763031 -> AV1; // av01
      case 0x76703039 -> VP9; // vp09
      default -> OTHER;
    };
  }
}

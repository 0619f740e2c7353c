package dev.kiln.rtmp.protocol.flv;

/** What an FLV tag body carries. */
public enum TagKind {
  /** Decoder configuration (AVC/HEVC/AV1/VP9 configuration record, AudioSpecificConfig, ...). */
  CONFIG,
  /** Coded media. */
  FRAME,
  /** End of sequence. */
  END_OF_SEQUENCE,
  /** Enhanced RTMP video metadata (AMF-encoded, e.g. colour information). */
  METADATA,
  /** A video info/command frame: no picture. */
  INFO,
  /** A layout Kiln does not parse (multitrack, MPEG-2 TS sequence start, unknown FourCC). */
  UNSUPPORTED
}

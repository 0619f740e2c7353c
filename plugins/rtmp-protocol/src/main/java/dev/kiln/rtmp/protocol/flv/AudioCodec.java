package dev.kiln.rtmp.protocol.flv;

/** Audio codecs an FLV audio tag can name. */
public enum AudioCodec {
  AAC,
  MP3,
  OPUS,
  FLAC,
  AC3,
  EAC3,
  PCMA,
  PCMU,
  SPEEX,
  /** Linear PCM, ADPCM, Nellymoser or an unknown FourCC. */
  OTHER;

  /** The codec of a legacy FLV sound format id. */
  public static AudioCodec ofSoundFormat(int soundFormat) {
    return switch (soundFormat) {
      case 10 -> AAC;
      case 2, 14 -> MP3;
      case 7 -> PCMA;
      case 8 -> PCMU;
      case 11 -> SPEEX;
      default -> OTHER;
    };
  }

  /** The codec of an Enhanced RTMP audio FourCC, or {@link #OTHER}. */
  public static AudioCodec ofFourCc(int fourCc) {
    return switch (fourCc) {
      case 0x4F707573 -> OPUS; // Opus
      case 0x664C6143 -> FLAC; // fLaC
      case 0x61632D33 -> AC3; // ac-3
      case 0x65632D33 -> EAC3; // ec-3
      case 0x2E6D7033 -> MP3; // .mp3
      case 0x6D703461 -> AAC; // mp4a
      default -> OTHER;
    };
  }
}

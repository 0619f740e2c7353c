package dev.kiln.rtmp.protocol.flv;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/**
 * Writes FLV audio and video tag bodies, the write-side counterpart of {@link VideoTagParser}
 * and {@link AudioTagParser}: H.264 in the legacy layout (codec id 7, AVCPacketType, composition
 * time), H.265, AV1 and VP9 in the Enhanced RTMP layout (FourCC), AAC in the legacy layout
 * (sound format 10, AACPacketType) and Opus as Enhanced RTMP audio.
 *
 * <p>Frame headers are written on their own so a caller can send header and payload as two
 * buffers (the payload by reference); sequence headers are small and written whole.
 */
public final class FlvTagWriter {
  /** The header before a video frame's bytes is at most this long. */
  public static final int MAX_VIDEO_HEADER = 8;
  /** The header before an audio frame's bytes is at most this long. */
  public static final int MAX_AUDIO_HEADER = 5;

  static final int FOURCC_AVC = 0x61766331; // avc1
  static final int FOURCC_HEVC = 0x68766331; // hvc1
  static final int FOURCC_AV1 = 0x61763031; // av01
  static final int FOURCC_VP9 = 0x76703039; // vp09
  static final int FOURCC_OPUS = 0x4F707573; // Opus

  private static final int LEGACY_AVC = 7;
  private static final int FRAME_TYPE_INTER = 2;
  private static final int EX_HEADER = 0x80;
  private static final int LEGACY_AAC_FLAGS = 0xAF; // AAC, "44 kHz", 16-bit, "stereo": fixed for AAC
  private static final int AUDIO_EX_HEADER = AudioTagParser.SOUND_FORMAT_EX_HEADER << 4;
  private static final int AUDIO_SEQUENCE_START = 0;
  private static final int AUDIO_CODED_FRAMES = 1;

  private FlvTagWriter() {}

  /** Whether {@link #writeVideoFrameHeader} and {@link #videoSequenceHeader} support a codec. */
  public static boolean supports(VideoCodec codec) {
    return codec != VideoCodec.OTHER;
  }

  /** Whether {@link #writeAudioFrameHeader} and {@link #audioSequenceHeader} support a codec. */
  public static boolean supports(AudioCodec codec) {
    return codec == AudioCodec.AAC || codec == AudioCodec.OPUS;
  }

  /**
   * The {@code videocodecid} value of {@code onMetaData}: 7 for H.264, the FourCC as a number
   * for the Enhanced RTMP codecs.
   */
  public static double videoCodecId(VideoCodec codec) {
    return codec == VideoCodec.AVC ? LEGACY_AVC : fourCc(codec);
  }

  /** The {@code audiocodecid} value of {@code onMetaData}: 10 for AAC, the FourCC for Opus. */
  public static double audioCodecId(AudioCodec codec) {
    return codec == AudioCodec.AAC ? AudioTagParser.SOUND_FORMAT_AAC : audioFourCc(codec);
  }

  /**
   * A video sequence header (decoder configuration) tag body: AVCPacketType 0 for H.264,
   * PacketTypeSequenceStart for the Enhanced RTMP codecs.
   */
  public static ByteBuf videoSequenceHeader(ByteBufAllocator alloc, VideoCodec codec,
      byte[] config) {
    ByteBuf out = alloc.buffer(MAX_VIDEO_HEADER + config.length);
    if (codec == VideoCodec.AVC) {
      out.writeByte((VideoTagParser.FRAME_TYPE_KEY << 4) | LEGACY_AVC);
      out.writeByte(VideoTagParser.AVC_SEQUENCE_HEADER);
      out.writeMedium(0);
    } else {
      out.writeByte(EX_HEADER | (VideoTagParser.FRAME_TYPE_KEY << 4)
          | VideoTagParser.PACKET_SEQUENCE_START);
      out.writeInt(fourCc(codec));
    }
    return out.writeBytes(config);
  }

  /**
   * Writes the header of a coded video frame; the frame's bytes (AVCC/HVCC length-prefixed NAL
   * units, AV1 OBUs, a VP9 frame) follow it unchanged.
   *
   * @param compositionTime pts - dts in milliseconds (signed 24 bits; ignored for AV1 and VP9)
   */
  public static void writeVideoFrameHeader(ByteBuf out, VideoCodec codec, boolean keyframe,
      int compositionTime) {
    int frameType = keyframe ? VideoTagParser.FRAME_TYPE_KEY : FRAME_TYPE_INTER;
    if (codec == VideoCodec.AVC) {
      out.writeByte((frameType << 4) | LEGACY_AVC);
      out.writeByte(VideoTagParser.AVC_NALU);
      out.writeMedium(compositionTime);
    } else if (codec == VideoCodec.HEVC && compositionTime != 0) {
      out.writeByte(EX_HEADER | (frameType << 4) | VideoTagParser.PACKET_CODED_FRAMES);
      out.writeInt(FOURCC_HEVC);
      out.writeMedium(compositionTime);
    } else {
      // CodedFramesX: coded frames with a composition time of zero, no field for it.
      out.writeByte(EX_HEADER | (frameType << 4) | VideoTagParser.PACKET_CODED_FRAMES_X);
      out.writeInt(fourCc(codec));
    }
  }

  /** An audio sequence header tag body: the AudioSpecificConfig for AAC, OpusHead for Opus. */
  public static ByteBuf audioSequenceHeader(ByteBufAllocator alloc, AudioCodec codec,
      byte[] config) {
    ByteBuf out = alloc.buffer(MAX_AUDIO_HEADER + config.length);
    if (codec == AudioCodec.AAC) {
      out.writeByte(LEGACY_AAC_FLAGS);
      out.writeByte(AudioTagParser.AAC_SEQUENCE_HEADER);
    } else {
      out.writeByte(AUDIO_EX_HEADER | AUDIO_SEQUENCE_START);
      out.writeInt(audioFourCc(codec));
    }
    return out.writeBytes(config);
  }

  /** Writes the header of a coded audio frame (a raw AAC frame, an Opus packet follows). */
  public static void writeAudioFrameHeader(ByteBuf out, AudioCodec codec) {
    if (codec == AudioCodec.AAC) {
      out.writeByte(LEGACY_AAC_FLAGS);
      out.writeByte(AudioTagParser.AAC_RAW);
    } else {
      out.writeByte(AUDIO_EX_HEADER | AUDIO_CODED_FRAMES);
      out.writeInt(audioFourCc(codec));
    }
  }

  static int fourCc(VideoCodec codec) {
    return switch (codec) {
      case AVC -> FOURCC_AVC;
      case HEVC -> FOURCC_HEVC;
      case AV1 -> FOURCC_AV1;
      case VP9 -> FOURCC_VP9;
      case OTHER -> throw new IllegalArgumentException("no FLV video layout for " + codec);
    };
  }

  static int audioFourCc(AudioCodec codec) {
    if (codec != AudioCodec.OPUS) {
      throw new IllegalArgumentException("no FLV audio layout for " + codec);
    }
    return FOURCC_OPUS;
  }
}

package dev.kiln.rtmp.protocol.flv;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;

/**
 * Parses FLV audio tag bodies: legacy (sound format, rate, size and type in the first byte; an
 * AAC packet type byte for AAC) and Enhanced RTMP audio (sound format 9, FourCC).
 * The body's reader index is not moved.
 */
public final class AudioTagParser {
  static final int SOUND_FORMAT_AAC = 10;
  static final int SOUND_FORMAT_EX_HEADER = 9;
  static final int AAC_SEQUENCE_HEADER = 0;
  static final int AAC_RAW = 1;

  private static final int[] FLV_RATES = {5512, 11025, 22050, 44100};
  private static final int PACKET_SEQUENCE_START = 0;
  private static final int PACKET_CODED_FRAMES = 1;
  private static final int PACKET_SEQUENCE_END = 2;
  private static final int PACKET_MULTITRACK = 5;
  private static final int PACKET_MOD_EX = 7;

  private AudioTagParser() {}

  public static AudioTag parse(long timestampMs, ByteBuf body) throws FlvParseException {
    int start = body.readerIndex();
    int end = body.writerIndex();
    if (end - start < 1) {
      throw new FlvParseException("empty audio tag");
    }
    int first = body.getUnsignedByte(start);
    int soundFormat = first >>> 4;
    if (soundFormat == SOUND_FORMAT_EX_HEADER) {
      return parseEnhanced(timestampMs, body, start, end, first & 0x0F);
    }
    int rate = FLV_RATES[(first >>> 2) & 0x03];
    int channels = (first & 0x01) + 1;
    AudioCodec codec = AudioCodec.ofSoundFormat(soundFormat);
    if (soundFormat != SOUND_FORMAT_AAC) {
      return new AudioTag(codec, TagKind.FRAME, timestampMs, rate, channels, null,
          body.slice(start + 1, end - start - 1));
    }
    if (end - start < 2) {
      throw new FlvParseException("AAC audio tag without a packet type");
    }
    int packetType = body.getUnsignedByte(start + 1);
    int data = start + 2;
    return switch (packetType) {
      case AAC_SEQUENCE_HEADER -> new AudioTag(codec, TagKind.CONFIG, timestampMs, rate, channels,
          ByteBufUtil.getBytes(body, data, end - data), null);
      case AAC_RAW -> new AudioTag(codec, TagKind.FRAME, timestampMs, rate, channels, null,
          body.slice(data, end - data));
      default -> throw new FlvParseException("unknown AAC packet type " + packetType);
    };
  }

  private static AudioTag parseEnhanced(long timestampMs, ByteBuf body, int start, int end,
      int packetType) throws FlvParseException {
    int pos = start + 1;
    while (packetType == PACKET_MOD_EX) {
      need(end - pos, 1);
      int size = body.getUnsignedByte(pos++) + 1;
      if (size == 256) {
        need(end - pos, 2);
        size = body.getUnsignedShort(pos) + 1;
        pos += 2;
      }
      need(end - pos, size + 1L);
      pos += size;
      packetType = body.getUnsignedByte(pos++) & 0x0F;
    }
    if (packetType == PACKET_MULTITRACK) {
      return new AudioTag(AudioCodec.OTHER, TagKind.UNSUPPORTED, timestampMs, 0, 0, null, null);
    }
    need(end - pos, 4);
    AudioCodec codec = AudioCodec.ofFourCc(body.getInt(pos));
    pos += 4;
    return switch (packetType) {
      case PACKET_SEQUENCE_START -> new AudioTag(codec, TagKind.CONFIG, timestampMs, 0, 0,
          ByteBufUtil.getBytes(body, pos, end - pos), null);
      case PACKET_CODED_FRAMES -> new AudioTag(codec, TagKind.FRAME, timestampMs, 0, 0, null,
          body.slice(pos, end - pos));
      case PACKET_SEQUENCE_END ->
          new AudioTag(codec, TagKind.END_OF_SEQUENCE, timestampMs, 0, 0, null, null);
      default -> new AudioTag(codec, TagKind.UNSUPPORTED, timestampMs, 0, 0, null, null);
    };
  }

  private static void need(long available, long bytes) throws FlvParseException {
    if (available < bytes) {
      throw new FlvParseException("truncated enhanced audio tag");
    }
  }
}

package dev.kiln.rtmp.protocol.flv;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;

/**
 * Parses FLV video tag bodies: the legacy layout (frame type and codec id in the first byte,
 * AVC packet type and a signed 24-bit composition time for H.264) and the Enhanced RTMP
 * layout (IsExHeader bit, packet type in the first byte, a FourCC, optional ModEx prefixes).
 * The body's reader index is not moved.
 */
public final class VideoTagParser {
  static final int FRAME_TYPE_KEY = 1;
  static final int FRAME_TYPE_COMMAND = 5;

  static final int AVC_SEQUENCE_HEADER = 0;
  static final int AVC_NALU = 1;
  static final int AVC_END_OF_SEQUENCE = 2;

  static final int PACKET_SEQUENCE_START = 0;
  static final int PACKET_CODED_FRAMES = 1;
  static final int PACKET_SEQUENCE_END = 2;
  static final int PACKET_CODED_FRAMES_X = 3;
  static final int PACKET_METADATA = 4;
  static final int PACKET_MPEG2TS_SEQUENCE_START = 5;
  static final int PACKET_MULTITRACK = 6;
  static final int PACKET_MOD_EX = 7;

  private static final int LEGACY_AVC = 7;
  private static final int LEGACY_HEVC = 12;

  private VideoTagParser() {}

  public static VideoTag parse(long timestampMs, ByteBuf body) throws FlvParseException {
    int start = body.readerIndex();
    int end = body.writerIndex();
    if (end - start < 1) {
      throw new FlvParseException("empty video tag");
    }
    int first = body.getUnsignedByte(start);
    if ((first & 0x80) != 0) {
      return parseEnhanced(timestampMs, body, start, end, first);
    }
    int frameType = first >>> 4;
    int codecId = first & 0x0F;
    boolean key = frameType == FRAME_TYPE_KEY;
    if (codecId != LEGACY_AVC && codecId != LEGACY_HEVC) {
      if (frameType == FRAME_TYPE_COMMAND) {
        return simple(VideoCodec.OTHER, TagKind.INFO, timestampMs);
      }
      return new VideoTag(VideoCodec.OTHER, TagKind.FRAME, key, timestampMs, timestampMs, null,
          body.slice(start + 1, end - start - 1));
    }
    VideoCodec codec = codecId == LEGACY_AVC ? VideoCodec.AVC : VideoCodec.HEVC;
    if (frameType == FRAME_TYPE_COMMAND) {
      return simple(codec, TagKind.INFO, timestampMs);
    }
    if (end - start < 5) {
      throw new FlvParseException("AVC video tag of " + (end - start) + " bytes");
    }
    int packetType = body.getUnsignedByte(start + 1);
    int cts = signed24(body.getUnsignedMedium(start + 2));
    int data = start + 5;
    return switch (packetType) {
      case AVC_SEQUENCE_HEADER -> new VideoTag(codec, TagKind.CONFIG, key, timestampMs,
          timestampMs, ByteBufUtil.getBytes(body, data, end - data), null);
      case AVC_NALU -> new VideoTag(codec, TagKind.FRAME, key, timestampMs, timestampMs + cts,
          null, body.slice(data, end - data));
      case AVC_END_OF_SEQUENCE -> simple(codec, TagKind.END_OF_SEQUENCE, timestampMs);
      default -> throw new FlvParseException("unknown AVC packet type " + packetType);
    };
  }

  private static VideoTag parseEnhanced(long timestampMs, ByteBuf body, int start, int end,
      int first) throws FlvParseException {
    int frameType = (first >>> 4) & 0x07;
    int packetType = first & 0x0F;
    boolean key = frameType == FRAME_TYPE_KEY;
    int pos = start + 1;
    while (packetType == PACKET_MOD_EX) {
      // ModEx: a sized modifier (e.g. a nanosecond timestamp offset, not used here), then a
      // byte whose low nibble is the real packet type.
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
      return simple(VideoCodec.OTHER, TagKind.UNSUPPORTED, timestampMs);
    }
    need(end - pos, 4);
    int fourCc = body.getInt(pos);
    pos += 4;
    VideoCodec codec = VideoCodec.ofFourCc(fourCc);
    if (frameType == FRAME_TYPE_COMMAND && packetType != PACKET_METADATA) {
      return simple(codec, TagKind.INFO, timestampMs);
    }
    if (codec == VideoCodec.OTHER) {
      return simple(codec, TagKind.UNSUPPORTED, timestampMs);
    }
    switch (packetType) {
      case PACKET_SEQUENCE_START:
        return new VideoTag(codec, TagKind.CONFIG, key, timestampMs, timestampMs,
            ByteBufUtil.getBytes(body, pos, end - pos), null);
      case PACKET_CODED_FRAMES: {
        long pts = timestampMs;
        if (codec == VideoCodec.AVC || codec == VideoCodec.HEVC) {
          need(end - pos, 3);
          pts += signed24(body.getUnsignedMedium(pos));
          pos += 3;
        }
        return new VideoTag(codec, TagKind.FRAME, key, timestampMs, pts, null,
            body.slice(pos, end - pos));
      }
      case PACKET_CODED_FRAMES_X:
        return new VideoTag(codec, TagKind.FRAME, key, timestampMs, timestampMs, null,
            body.slice(pos, end - pos));
      case PACKET_SEQUENCE_END:
        return simple(codec, TagKind.END_OF_SEQUENCE, timestampMs);
      case PACKET_METADATA:
        return new VideoTag(codec, TagKind.METADATA, false, timestampMs, timestampMs, null,
            body.slice(pos, end - pos));
      default:
        return simple(codec, TagKind.UNSUPPORTED, timestampMs);
    }
  }

  private static VideoTag simple(VideoCodec codec, TagKind kind, long timestampMs) {
    return new VideoTag(codec, kind, false, timestampMs, timestampMs, null, null);
  }

  static int signed24(int value) {
    return (value << 8) >> 8;
  }

  private static void need(long available, long bytes) throws FlvParseException {
    if (available < bytes) {
      throw new FlvParseException("truncated enhanced video tag");
    }
  }
}

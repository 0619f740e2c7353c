package dev.kiln.rtmp.protocol.chunk;

import dev.kiln.rtmp.protocol.message.MessageType;
import dev.kiln.rtmp.protocol.message.RtmpMessage;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToByteEncoder;

/**
 * Writes outbound {@link RtmpMessage}s as chunks of the current outbound chunk size.
 *
 * <p>Each message starts with a type 0 header (Kiln sends few, small messages, so header
 * compression would buy nothing) and continues with type 3 headers that repeat the extended
 * timestamp when there is one. Sending a Set Chunk Size message switches the chunk size for
 * every later message.
 */
public final class ChunkEncoder extends MessageToByteEncoder<RtmpMessage> {
  private int chunkSize = ChunkDecoder.DEFAULT_CHUNK_SIZE;

  public ChunkEncoder() {
    super(RtmpMessage.class);
  }

  /** The chunk size used for the next message. */
  public int chunkSize() {
    return chunkSize;
  }

  @Override
  protected void encode(ChannelHandlerContext ctx, RtmpMessage msg, ByteBuf out) {
    ByteBuf payload = msg.content();
    int csid = chunkStreamOf(msg);
    int length = payload.readableBytes();
    long timestamp = msg.timestamp() & 0xFFFFFFFFL;
    boolean extended = timestamp >= 0xFFFFFF;
    int newChunkSize = chunkSizeAfter(msg, chunkSize);

    writeMessageHeader(out, csid, msg.typeId(), msg.streamId(), timestamp, length);
    int index = payload.readerIndex();
    int remaining = length;
    boolean first = true;
    while (first || remaining > 0) {
      if (!first) {
        writeBasicHeader(out, 3, csid);
        if (extended) {
          out.writeInt((int) timestamp);
        }
      }
      int n = Math.min(chunkSize, remaining);
      out.writeBytes(payload, index, n);
      index += n;
      remaining -= n;
      first = false;
    }
    chunkSize = newChunkSize;
  }

  /**
   * The outbound chunk size once {@code msg} is sent: its value for a Set Chunk Size message,
   * else {@code current}.
   *
   * @throws IllegalArgumentException for a Set Chunk Size outside 1..65536
   */
  static int chunkSizeAfter(RtmpMessage msg, int current) {
    ByteBuf payload = msg.content();
    if (msg.typeId() != MessageType.SET_CHUNK_SIZE || payload.readableBytes() < 4) {
      return current;
    }
    int size = payload.getInt(payload.readerIndex());
    if (size <= 0 || size > ChunkDecoder.MAX_CHUNK_SIZE) {
      throw new IllegalArgumentException("chunk size " + size + " outside 1..65536");
    }
    return size;
  }

  /** The chunk stream a message goes on: its own, or the default for its type. */
  static int chunkStreamOf(RtmpMessage msg) {
    return msg.chunkStreamId() != RtmpMessage.ANY_CHUNK_STREAM
        ? msg.chunkStreamId() : defaultChunkStream(msg.typeId());
  }

  /** Writes a type 0 chunk header (basic header, message header, extended timestamp). */
  static void writeMessageHeader(ByteBuf out, int csid, int typeId, long streamId,
      long timestamp, int length) {
    boolean extended = timestamp >= 0xFFFFFF;
    writeBasicHeader(out, 0, csid);
    out.writeMedium(extended ? 0xFFFFFF : (int) timestamp);
    out.writeMedium(length);
    out.writeByte(typeId);
    out.writeIntLE((int) streamId);
    if (extended) {
      out.writeInt((int) timestamp);
    }
  }

  private static int defaultChunkStream(int typeId) {
    if (MessageType.isControl(typeId)) {
      return 2;
    }
    return switch (typeId) {
      case MessageType.AUDIO -> 4;
      case MessageType.VIDEO -> 6;
      case MessageType.DATA_AMF0, MessageType.DATA_AMF3 -> 5;
      default -> 3;
    };
  }

  static void writeBasicHeader(ByteBuf out, int fmt, int csid) {
    if (csid >= 2 && csid <= 63) {
      out.writeByte((fmt << 6) | csid);
    } else if (csid >= 64 && csid <= 319) {
      out.writeByte(fmt << 6);
      out.writeByte(csid - 64);
    } else if (csid >= 64 && csid <= 65599) {
      out.writeByte((fmt << 6) | 1);
      out.writeShortLE(csid - 64);
    } else {
      throw new IllegalArgumentException("chunk stream id " + csid + " outside 2..65599");
    }
  }
}

package dev.kiln.rtmp.protocol.message;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

/** Builders for the protocol control (types 1-6) and user control messages Kiln sends. */
public final class ControlMessages {
  /** User control event: a stream became functional. */
  public static final int STREAM_BEGIN = 0;
  public static final int STREAM_EOF = 1;
  public static final int SET_BUFFER_LENGTH = 3;
  public static final int PING_REQUEST = 6;
  public static final int PING_RESPONSE = 7;

  /** Set Peer Bandwidth limit type "dynamic". */
  public static final int LIMIT_DYNAMIC = 2;

  private ControlMessages() {}

  public static RtmpMessage setChunkSize(int size) {
    return control(MessageType.SET_CHUNK_SIZE, Unpooled.buffer(4).writeInt(size));
  }

  public static RtmpMessage acknowledgement(long sequenceNumber) {
    return control(MessageType.ACKNOWLEDGEMENT, Unpooled.buffer(4).writeInt((int) sequenceNumber));
  }

  public static RtmpMessage windowAckSize(int windowBytes) {
    return control(MessageType.WINDOW_ACK_SIZE, Unpooled.buffer(4).writeInt(windowBytes));
  }

  public static RtmpMessage setPeerBandwidth(int windowBytes, int limitType) {
    return control(
        MessageType.SET_PEER_BANDWIDTH, Unpooled.buffer(5).writeInt(windowBytes).writeByte(limitType));
  }

  public static RtmpMessage streamBegin(long streamId) {
    return userControl(STREAM_BEGIN, (int) streamId);
  }

  public static RtmpMessage pingResponse(int timestamp) {
    return userControl(PING_RESPONSE, timestamp);
  }

  public static RtmpMessage pingRequest(int timestamp) {
    return userControl(PING_REQUEST, timestamp);
  }

  /** A received User Control message: the event type and its first 4-byte value. */
  public record UserControlEvent(int event, int value) {}

  /**
   * Reads a User Control message (type 4), or returns {@code null} when it is shorter than
   * an event type and one value. Does not release the message.
   */
  public static UserControlEvent readUserControl(RtmpMessage message) {
    ByteBuf payload = message.content();
    if (message.typeId() != MessageType.USER_CONTROL || payload.readableBytes() < 6) {
      return null;
    }
    int at = payload.readerIndex();
    return new UserControlEvent(payload.getUnsignedShort(at), payload.getInt(at + 2));
  }

  private static RtmpMessage userControl(int event, int value) {
    ByteBuf payload = Unpooled.buffer(6).writeShort(event).writeInt(value);
    return control(MessageType.USER_CONTROL, payload);
  }

  private static RtmpMessage control(int typeId, ByteBuf payload) {
    return new RtmpMessage(2, typeId, 0, 0, payload);
  }
}

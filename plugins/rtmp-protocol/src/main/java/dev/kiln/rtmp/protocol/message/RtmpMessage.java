package dev.kiln.rtmp.protocol.message;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.DefaultByteBufHolder;

/**
 * One reassembled RTMP message: header fields plus a reference-counted payload.
 *
 * <p>Whoever receives an instance owns one reference and releases it (or hands the payload on).
 */
public final class RtmpMessage extends DefaultByteBufHolder {
  /** Chunk stream id 0: let the encoder pick one from the message type. */
  public static final int ANY_CHUNK_STREAM = 0;

  private final int chunkStreamId;
  private final int typeId;
  private final long streamId;
  private final long timestamp;

  public RtmpMessage(int chunkStreamId, int typeId, long streamId, long timestamp, ByteBuf payload) {
    super(payload);
    this.chunkStreamId = chunkStreamId;
    this.typeId = typeId;
    this.streamId = streamId;
    this.timestamp = timestamp;
  }

  public RtmpMessage(int typeId, long streamId, long timestamp, ByteBuf payload) {
    this(ANY_CHUNK_STREAM, typeId, streamId, timestamp, payload);
  }

  public int chunkStreamId() {
    return chunkStreamId;
  }

  public int typeId() {
    return typeId;
  }

  /** The message stream id (0 for the connection's own stream). */
  public long streamId() {
    return streamId;
  }

  /** Absolute timestamp in milliseconds, 32-bit unsigned on the wire. */
  public long timestamp() {
    return timestamp;
  }

  @Override
  public RtmpMessage replace(ByteBuf content) {
    return new RtmpMessage(chunkStreamId, typeId, streamId, timestamp, content);
  }

  @Override
  public RtmpMessage retain() {
    super.retain();
    return this;
  }

  @Override
  public RtmpMessage touch(Object hint) {
    super.touch(hint);
    return this;
  }

  @Override
  public String toString() {
    return "RtmpMessage(type=" + typeId + ", stream=" + streamId + ", ts=" + timestamp
        + ", csid=" + chunkStreamId + ", bytes=" + content().readableBytes() + ")";
  }
}

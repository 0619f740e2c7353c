package dev.kiln.rtmp.protocol.chunk;

import dev.kiln.rtmp.protocol.message.RtmpMessage;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToMessageEncoder;
import java.util.List;

/**
 * Writes outbound {@link RtmpMessage}s as chunks without copying their payloads: each message
 * becomes one composite buffer of chunk headers and retained slices of the payload. Suited to
 * media (a video frame of hundreds of kilobytes goes to the socket from the buffer it arrived
 * in); small payloads are copied next to their header, which is cheaper than a composite.
 *
 * <p>The chunk layout is {@link ChunkEncoder}'s: a type 0 header per message, type 3 headers
 * for its continuation chunks (repeating the extended timestamp when there is one), and a Set
 * Chunk Size message switches the chunk size for every later message. Runs on the channel's
 * event loop like any handler; one instance per connection.
 */
public final class ChunkSliceEncoder extends MessageToMessageEncoder<RtmpMessage> {
  /** Payloads up to this size are copied rather than referenced. */
  static final int COPY_THRESHOLD = 256;
  private static final int MAX_HEADER = 3 + 11 + 4;
  private static final int MAX_CONTINUATION_HEADER = 3 + 4;

  private int chunkSize = ChunkDecoder.DEFAULT_CHUNK_SIZE;

  public ChunkSliceEncoder() {
    super(RtmpMessage.class);
  }

  /** The chunk size used for the next message. */
  public int chunkSize() {
    return chunkSize;
  }

  @Override
  protected void encode(ChannelHandlerContext ctx, RtmpMessage msg, List<Object> out) {
    int newChunkSize = ChunkEncoder.chunkSizeAfter(msg, chunkSize);
    out.add(encode(ctx.alloc(), msg, chunkSize));
    chunkSize = newChunkSize;
  }

  /**
   * Encodes one message at the given chunk size. The result holds its own references to the
   * payload; the message itself is not released.
   */
  public static ByteBuf encode(ByteBufAllocator alloc, RtmpMessage msg, int chunkSize) {
    ByteBuf payload = msg.content();
    int csid = ChunkEncoder.chunkStreamOf(msg);
    int length = payload.readableBytes();
    long timestamp = msg.timestamp() & 0xFFFFFFFFL;
    boolean extended = timestamp >= 0xFFFFFF;
    int chunks = Math.max(1, (length + chunkSize - 1) / chunkSize);
    if (length <= COPY_THRESHOLD) {
      ByteBuf buf = alloc.buffer(MAX_HEADER + length + (chunks - 1) * MAX_CONTINUATION_HEADER);
      writeChunks(buf, payload, csid, msg, timestamp, extended, chunkSize);
      return buf;
    }
    ByteBuf headers = alloc.buffer(MAX_HEADER + (chunks - 1) * MAX_CONTINUATION_HEADER);
    CompositeByteBuf composite = alloc.compositeBuffer(2 * chunks);
    try {
      int index = payload.readerIndex();
      int remaining = length;
      for (int i = 0; i < chunks; i++) {
        int headerStart = headers.writerIndex();
        if (i == 0) {
          ChunkEncoder.writeMessageHeader(headers, csid, msg.typeId(), msg.streamId(), timestamp,
              length);
        } else {
          ChunkEncoder.writeBasicHeader(headers, 3, csid);
          if (extended) {
            headers.writeInt((int) timestamp);
          }
        }
        int n = Math.min(chunkSize, remaining);
        composite.addComponent(true,
            headers.retainedSlice(headerStart, headers.writerIndex() - headerStart));
        composite.addComponent(true, payload.retainedSlice(index, n));
        index += n;
        remaining -= n;
      }
    } catch (RuntimeException e) {
      composite.release();
      throw e;
    } finally {
      headers.release();
    }
    return composite;
  }

  private static void writeChunks(ByteBuf out, ByteBuf payload, int csid, RtmpMessage msg,
      long timestamp, boolean extended, int chunkSize) {
    int length = payload.readableBytes();
    ChunkEncoder.writeMessageHeader(out, csid, msg.typeId(), msg.streamId(), timestamp, length);
    int index = payload.readerIndex();
    int remaining = length;
    boolean first = true;
    while (first || remaining > 0) {
      if (!first) {
        ChunkEncoder.writeBasicHeader(out, 3, csid);
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
  }
}

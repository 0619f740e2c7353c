package dev.kiln.rtmp.protocol.chunk;

import dev.kiln.rtmp.protocol.message.ControlMessages;
import dev.kiln.rtmp.protocol.message.MessageType;
import dev.kiln.rtmp.protocol.message.RtmpMessage;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.util.collection.IntObjectHashMap;
import io.netty.util.collection.IntObjectMap;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns the inbound chunk stream into whole {@link RtmpMessage}s.
 *
 * <p>Handles all four chunk header types, per-chunk-stream header compression, extended
 * timestamps (also on type 3 chunks, where encoders disagree about whether to repeat them) and
 * message reassembly. The chunk-layer control messages are consumed here because they change
 * how the following bytes are read: Set Chunk Size, Abort Message, Acknowledgement and Window
 * Acknowledgement Size. Acknowledgements are sent whenever the peer's window has been received.
 *
 * <p>Each message gets a buffer of its own, sized to the message, so a payload kept
 * downstream holds on to nothing else. Payload bytes are copied into it as they arrive, also
 * when a read ends in the middle of a chunk: only an incomplete chunk header is ever left for
 * the next read, so received bytes are copied once, not once more into a cumulation buffer.
 *
 * <p>Hostile input ends in an {@link RtmpProtocolException} (the connection is then closed):
 * a chunk size outside 1..65536, a message above the size cap, too many chunk streams, too
 * many buffered bytes, or a chunk stream that starts without a full header.
 */
public final class ChunkDecoder extends ByteToMessageDecoder {
  public static final int DEFAULT_CHUNK_SIZE = 128;
  public static final int MAX_CHUNK_SIZE = 65536;
  public static final int DEFAULT_MAX_MESSAGE_SIZE = 16 * 1024 * 1024;
  /** Chunk streams one connection may use; real publishers use fewer than ten. */
  public static final int MAX_CHUNK_STREAMS = 64;
  /** Acknowledgement window assumed until the peer sends Window Acknowledgement Size. */
  public static final int DEFAULT_ACK_WINDOW = 2_500_000;

  private static final Logger LOG = LoggerFactory.getLogger(ChunkDecoder.class);
  private static final int[] HEADER_LENGTH = {11, 7, 3, 0};
  private static final int MAX_INITIAL_MESSAGE_BUFFER = 256 * 1024;

  private final int maxMessageSize;
  private final long maxBufferedBytes;
  private final IntObjectMap<ChunkStreamState> streams = new IntObjectHashMap<>();
  private int chunkSize = DEFAULT_CHUNK_SIZE;
  private long bufferedBytes;
  private long bytesReceived;
  private long lastAcknowledged;
  private long ackWindow = DEFAULT_ACK_WINDOW;
  private boolean failed;
  /** The chunk stream whose chunk payload the last read ended in, or null. */
  private ChunkStreamState midChunk;
  private int midChunkCsid;
  /** Payload bytes of that chunk still to come. */
  private int midChunkRemaining;

  /**
   * @param maxMessageSize the largest message accepted, in bytes
   * @param bytesAlreadyReceived bytes read before the first chunk (the handshake), counted in
   *     acknowledgements
   */
  public ChunkDecoder(int maxMessageSize, long bytesAlreadyReceived) {
    if (maxMessageSize <= 0) {
      throw new IllegalArgumentException("maxMessageSize must be positive");
    }
    this.maxMessageSize = maxMessageSize;
    this.maxBufferedBytes = 2L * maxMessageSize;
    this.bytesReceived = bytesAlreadyReceived;
  }

  public ChunkDecoder() {
    this(DEFAULT_MAX_MESSAGE_SIZE, 0);
  }

  /** The peer's current chunk size. */
  public int chunkSize() {
    return chunkSize;
  }

  /** Bytes received so far, including those passed to the constructor. */
  public long bytesReceived() {
    return bytesReceived;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
    if (msg instanceof ByteBuf buf) {
      if (failed) {
        buf.release();
        return;
      }
      bytesReceived += buf.readableBytes();
    }
    super.channelRead(ctx, msg);
    if (!failed && bytesReceived - lastAcknowledged >= ackWindow && ctx.channel().isActive()) {
      lastAcknowledged = bytesReceived;
      ctx.writeAndFlush(ControlMessages.acknowledgement(bytesReceived & 0xFFFFFFFFL));
    }
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
    if (failed) {
      in.skipBytes(in.readableBytes());
      return;
    }
    try {
      decodeChunk(ctx, in, out);
    } catch (RtmpProtocolException e) {
      failed = true;
      in.skipBytes(in.readableBytes());
      releaseAll();
      throw e;
    }
  }

  /** Reads one chunk if all of it is there; otherwise leaves the reader index alone. */
  private void decodeChunk(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
    if (midChunk != null) {
      continueChunk(in, out);
      return;
    }
    int pos = in.readerIndex();
    int end = in.writerIndex();
    if (end - pos < 1) {
      return;
    }
    int first = in.getUnsignedByte(pos++);
    int fmt = first >>> 6;
    int csid = first & 0x3F;
    if (csid == 0) {
      if (end - pos < 1) {
        return;
      }
      csid = 64 + in.getUnsignedByte(pos++);
    } else if (csid == 1) {
      if (end - pos < 2) {
        return;
      }
      csid = 64 + in.getUnsignedByte(pos) + (in.getUnsignedByte(pos + 1) << 8);
      pos += 2;
    }
    if (end - pos < HEADER_LENGTH[fmt]) {
      return;
    }
    ChunkStreamState state = streams.get(csid);
    if (state == null) {
      if (fmt != 0) {
        throw new RtmpProtocolException(
            "chunk stream " + csid + " starts with a type " + fmt + " header");
      }
      if (streams.size() >= MAX_CHUNK_STREAMS) {
        throw new RtmpProtocolException("more than " + MAX_CHUNK_STREAMS + " chunk streams");
      }
    }

    long timestampField;
    int length;
    int typeId;
    long streamId;
    boolean extended;
    if (fmt == 3) {
      timestampField = state.timestampField;
      length = state.messageLength;
      typeId = state.typeId;
      streamId = state.streamId;
      extended = state.extended;
      if (extended) {
        // The spec repeats the extended timestamp on type 3 chunks; some encoders leave it
        // out. It is taken as present when it matches the value it must repeat.
        if (end - pos < 4) {
          return;
        }
        if (in.getUnsignedInt(pos) == timestampField) {
          pos += 4;
        }
      }
    } else {
      timestampField = in.getUnsignedMedium(pos);
      length = fmt <= 1 ? in.getUnsignedMedium(pos + 3) : state.messageLength;
      typeId = fmt <= 1 ? in.getUnsignedByte(pos + 6) : state.typeId;
      streamId = fmt == 0 ? in.getUnsignedIntLE(pos + 7) : state.streamId;
      pos += HEADER_LENGTH[fmt];
      extended = timestampField == 0xFFFFFF;
      if (extended) {
        if (end - pos < 4) {
          return;
        }
        timestampField = in.getUnsignedInt(pos);
        pos += 4;
      }
    }

    boolean continuation = fmt == 3 && state.inMessage();
    int remaining = continuation ? length - state.partial.readableBytes() : length;
    if (!continuation && length > maxMessageSize) {
      throw new RtmpProtocolException("message of " + length + " bytes on chunk stream " + csid
          + " is above the " + maxMessageSize + "-byte limit");
    }
    int payloadLength = Math.min(chunkSize, remaining);
    int available = Math.min(end - pos, payloadLength);

    // The header is complete: commit it, with what is here of the payload.
    in.readerIndex(pos);
    if (state == null) {
      state = new ChunkStreamState();
      streams.put(csid, state);
    }
    if (!continuation) {
      if (state.inMessage()) {
        LOG.debug("chunk stream {}: new message header before the last message ended", csid);
        dropPartial(state);
      }
      state.timestamp = (fmt == 0 ? timestampField : state.timestamp + timestampField) & 0xFFFFFFFFL;
      state.timestampField = timestampField;
      state.extended = extended;
      state.messageLength = length;
      state.typeId = typeId;
      state.streamId = streamId;
      if (payloadLength == length && available == length) {
        // One chunk, all here. Copied rather than sliced from the input: a consumer that keeps
        // the payload (a GOP cache) must not pin the whole socket read buffer with it.
        ByteBuf payload = length == 0
            ? Unpooled.EMPTY_BUFFER : ctx.alloc().buffer(length, length).writeBytes(in, length);
        complete(csid, state, payload, out);
        return;
      }
      state.partial = ctx.alloc().buffer(Math.min(length, MAX_INITIAL_MESSAGE_BUFFER), length);
    }
    bufferedBytes += payloadLength;
    if (bufferedBytes > maxBufferedBytes) {
      throw new RtmpProtocolException("more than " + maxBufferedBytes
          + " bytes of unfinished messages buffered");
    }
    state.partial.writeBytes(in, available);
    if (available < payloadLength) {
      midChunk = state;
      midChunkCsid = csid;
      midChunkRemaining = payloadLength - available;
      return;
    }
    completeIfWhole(csid, state, out);
  }

  /** Copies the next bytes of the chunk the last read ended in. */
  private void continueChunk(ByteBuf in, List<Object> out) {
    int n = Math.min(midChunkRemaining, in.readableBytes());
    midChunk.partial.writeBytes(in, n);
    midChunkRemaining -= n;
    if (midChunkRemaining == 0) {
      ChunkStreamState state = midChunk;
      midChunk = null;
      completeIfWhole(midChunkCsid, state, out);
    }
  }

  private void completeIfWhole(int csid, ChunkStreamState state, List<Object> out) {
    if (state.partial.readableBytes() == state.messageLength) {
      ByteBuf payload = state.partial;
      state.partial = null;
      bufferedBytes -= payload.readableBytes();
      complete(csid, state, payload, out);
    }
  }

  private void complete(int csid, ChunkStreamState state, ByteBuf payload, List<Object> out) {
    RtmpMessage message =
        new RtmpMessage(csid, state.typeId, state.streamId, state.timestamp, payload);
    switch (state.typeId) {
      case MessageType.SET_CHUNK_SIZE, MessageType.ABORT, MessageType.ACKNOWLEDGEMENT,
          MessageType.WINDOW_ACK_SIZE -> {
        try {
          handleControl(message);
        } finally {
          message.release();
        }
      }
      default -> out.add(message);
    }
  }

  private void handleControl(RtmpMessage message) {
    ByteBuf payload = message.content();
    if (payload.readableBytes() < 4) {
      throw new RtmpProtocolException("control message type " + message.typeId() + " with "
          + payload.readableBytes() + " bytes");
    }
    int value = payload.getInt(payload.readerIndex());
    switch (message.typeId()) {
      case MessageType.SET_CHUNK_SIZE -> {
        if (value <= 0 || value > MAX_CHUNK_SIZE) {
          throw new RtmpProtocolException(
              "Set Chunk Size " + Integer.toUnsignedString(value) + " outside 1.." + MAX_CHUNK_SIZE);
        }
        LOG.debug("peer chunk size {}", value);
        chunkSize = value;
      }
      case MessageType.ABORT -> {
        ChunkStreamState aborted = streams.get(value);
        if (aborted != null) {
          dropPartial(aborted);
        }
      }
      case MessageType.WINDOW_ACK_SIZE -> {
        if (value > 0) {
          ackWindow = value;
        } else {
          LOG.debug("ignoring Window Acknowledgement Size {}", Integer.toUnsignedString(value));
        }
      }
      default -> LOG.trace("peer acknowledged {} bytes", Integer.toUnsignedString(value));
    }
  }

  private void dropPartial(ChunkStreamState state) {
    if (state.partial != null) {
      bufferedBytes -= state.partial.readableBytes();
      state.dropPartial();
    }
  }

  private void releaseAll() {
    midChunk = null;
    for (ChunkStreamState state : streams.values()) {
      state.dropPartial();
    }
    bufferedBytes = 0;
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    try {
      super.channelInactive(ctx);
    } finally {
      releaseAll();
    }
  }

  @Override
  protected void handlerRemoved0(ChannelHandlerContext ctx) {
    releaseAll();
  }
}

package dev.kiln.ingest.rtmp.internal.session;

import dev.kiln.rtmp.protocol.amf.AmfDecodeException;
import dev.kiln.rtmp.protocol.chunk.ChunkDecoder;
import dev.kiln.rtmp.protocol.chunk.ChunkEncoder;
import dev.kiln.rtmp.protocol.message.Command;
import dev.kiln.rtmp.protocol.message.CommandCodec;
import dev.kiln.rtmp.protocol.message.MessageType;
import dev.kiln.rtmp.protocol.message.RtmpMessage;
import dev.kiln.ingest.rtmp.internal.server.RtmpChannelInitializer;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayList;
import java.util.List;

/**
 * The client end of an in-memory RTMP connection: the server pipeline runs in an
 * {@link EmbeddedChannel}; this side encodes client messages into chunks and decodes what the
 * server writes back.
 */
public final class WireClient implements AutoCloseable {
  public final EmbeddedChannel server;
  public final RtmpSession session;
  private final EmbeddedChannel encoder = new EmbeddedChannel(new ChunkEncoder());
  private final ChunkDecoder decoder = new ChunkDecoder();
  private final EmbeddedChannel decoderChannel = new EmbeddedChannel(decoder);
  private int handshakeLeft = 1 + 2 * 1536;

  public WireClient(PublishListenerFactory factory) {
    session = new RtmpSession(factory);
    server = new EmbeddedChannel();
    RtmpChannelInitializer.configure(server.pipeline(), session);
  }

  /** Plain C0 C1 C2. */
  public WireClient handshake() {
    sendRaw(Unpooled.buffer(3073).writeByte(3).writeZero(1536).writeZero(1536));
    return this;
  }

  /** Delivers bytes as one socket read would: counted for the session, then into the pipeline. */
  public void sendRaw(ByteBuf bytes) {
    session.countReceived(bytes.readableBytes());
    server.writeInbound(bytes);
  }

  public void send(RtmpMessage message) {
    sendRaw(encode(message));
  }

  /** The chunks a client would send for {@code message} (not sent). */
  public ByteBuf encode(RtmpMessage message) {
    encoder.writeOutbound(message);
    ByteBuf all = Unpooled.buffer();
    ByteBuf wire;
    while ((wire = encoder.readOutbound()) != null) {
      all.writeBytes(wire);
      wire.release();
    }
    return all;
  }

  public void command(long streamId, String name, double transactionId, Object... values) {
    send(CommandCodec.command(ByteBufAllocator.DEFAULT, streamId, name, transactionId, values));
  }

  public void media(int type, long timestamp, byte... body) {
    send(new RtmpMessage(type == MessageType.VIDEO ? 6 : 4, type, 1, timestamp,
        Unpooled.wrappedBuffer(body)));
  }

  /** Everything the server sent since the last call, as messages (chunk-layer control consumed). */
  public List<RtmpMessage> received() {
    ByteBuf out;
    while ((out = server.readOutbound()) != null) {
      int skip = Math.min(handshakeLeft, out.readableBytes());
      out.skipBytes(skip);
      handshakeLeft -= skip;
      if (out.isReadable()) {
        decoderChannel.writeInbound(out);
      } else {
        out.release();
      }
    }
    List<RtmpMessage> messages = new ArrayList<>();
    RtmpMessage m;
    while ((m = decoderChannel.readInbound()) != null) {
      messages.add(m);
    }
    return messages;
  }

  /** The commands among {@link #received()}; every message is released. */
  public List<Command> receivedCommands() {
    List<Command> commands = new ArrayList<>();
    for (RtmpMessage m : received()) {
      try {
        if (m.typeId() == MessageType.COMMAND_AMF0) {
          commands.add(CommandCodec.decodeCommand(m));
        }
      } catch (AmfDecodeException e) {
        throw new AssertionError(e);
      } finally {
        m.release();
      }
    }
    return commands;
  }

  /** The chunk size the server announced. */
  public int serverChunkSize() {
    return decoder.chunkSize();
  }

  @Override
  public void close() {
    server.finishAndReleaseAll();
    encoder.finishAndReleaseAll();
    decoderChannel.finishAndReleaseAll();
  }
}

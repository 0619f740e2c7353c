package dev.kiln.ingest.rtmp.internal.session;

import dev.kiln.rtmp.protocol.amf.AmfDecodeException;
import dev.kiln.rtmp.protocol.handshake.HandshakeHandler;
import dev.kiln.rtmp.protocol.message.CommandCodec;
import dev.kiln.rtmp.protocol.message.ControlMessages;
import dev.kiln.rtmp.protocol.message.MessageType;
import dev.kiln.rtmp.protocol.message.RtmpMessage;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.timeout.ReadTimeoutException;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.net.SocketAddress;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One RTMP connection after the handshake: routes messages, keeps the publish state, feeds
 * the {@link PublishListener} and is the handle the kernel uses to drop a publisher.
 *
 * <p>Every failure is handled here, on the connection's event loop: it is logged once (WARN,
 * naming the peer and the reason), the listener hears {@code onUnpublish} if a publish was
 * running, and the connection is closed. Nothing propagates further.
 */
public final class RtmpSession extends ChannelInboundHandlerAdapter {
  /** The chunk size Kiln announces right after the handshake. */
  public static final int OUTBOUND_CHUNK_SIZE = 4096;

  private static final Logger LOG = LoggerFactory.getLogger(RtmpSession.class);

  private final PublishListenerFactory listenerFactory;
  private final CommandProcessor commands = new CommandProcessor(this);
  private long bytesIn;
  private volatile Channel channel;
  private ChannelHandlerContext ctx;

  private volatile String app = "";
  private volatile String streamName = "";
  private volatile boolean publishing;
  private PublishListener listener;
  private boolean publishEnded;
  private boolean closing;

  public RtmpSession(PublishListenerFactory listenerFactory) {
    this.listenerFactory = listenerFactory;
  }

  /** The peer's address ({@code null} before the session is attached to a connection). */
  public SocketAddress remoteAddress() {
    Channel ch = channel;
    return ch == null ? null : ch.remoteAddress();
  }

  /** The application given in connect, or an empty string before. */
  public String app() {
    return app;
  }

  /** The published stream name, or an empty string before publish. */
  public String streamName() {
    return streamName;
  }

  public boolean isPublishing() {
    return publishing;
  }

  /**
   * Counts bytes read from the socket; the connection's read handle calls it for every read
   * (the handshake and chunk headers included), on the connection's event loop.
   */
  public void countReceived(int bytes) {
    bytesIn += bytes;
  }

  /**
   * Bytes received on the connection so far, as {@link #countReceived} counted them. Call it on
   * the connection's event loop (listener calls come there).
   */
  public long bytesReceived() {
    return bytesIn;
  }

  /** Completes when the connection is closed. */
  public ChannelFuture closeFuture() {
    return channel.closeFuture();
  }

  /**
   * Drops the connection from the server side, from any thread: the listener hears
   * {@code onUnpublish(reason)} (if publishing) and the client sees the connection close.
   */
  public void close(String reason) {
    Channel ch = channel;
    if (ch == null) {
      return;
    }
    if (ch.eventLoop().inEventLoop()) {
      closeNow(reason);
    } else {
      ch.eventLoop().execute(() -> closeNow(reason));
    }
  }

  private void closeNow(String reason) {
    if (closing) {
      return;
    }
    closing = true;
    LOG.info("RTMP {}: closing connection: {}", peer(), reason);
    endPublish(reason);
    channel.close();
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
    this.channel = ctx.channel();
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
    if (evt == HandshakeHandler.HandshakeCompleted.INSTANCE) {
      LOG.debug("RTMP {}: handshake done", peer());
      write(ControlMessages.setChunkSize(OUTBOUND_CHUNK_SIZE));
    } else {
      super.userEventTriggered(ctx, evt);
    }
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof RtmpMessage message)) {
      ReferenceCountUtil.release(msg);
      return;
    }
    if (closing) {
      message.release();
      return;
    }
    int type = message.typeId();
    if (type == MessageType.AUDIO || type == MessageType.VIDEO) {
      media(message); // takes ownership
      return;
    }
    try {
      switch (type) {
        case MessageType.COMMAND_AMF0, MessageType.COMMAND_AMF3 ->
            commands.handle(CommandCodec.decodeCommand(message), message.streamId());
        case MessageType.DATA_AMF0, MessageType.DATA_AMF3 -> data(message);
        case MessageType.USER_CONTROL -> userControl(message.content());
        default -> LOG.debug("RTMP {}: ignoring message type {}", peer(), type);
      }
    } catch (AmfDecodeException e) {
      fail("malformed AMF0 in message type " + type + ": " + e.getMessage());
    } finally {
      message.release();
    }
  }

  private void media(RtmpMessage message) {
    ByteBuf body = message.content();
    if (!publishing || !body.isReadable()) {
      if (!publishing) {
        LOG.debug("RTMP {}: dropping media message outside a publish", peer());
      }
      message.release();
      return;
    }
    PublishListener target = listener;
    try {
      if (message.typeId() == MessageType.VIDEO) {
        target.onVideo(message.timestamp(), body);
      } else {
        target.onAudio(message.timestamp(), body);
      }
    } catch (RuntimeException e) {
      listenerFailed(e);
    }
  }

  private void data(RtmpMessage message) throws AmfDecodeException {
    List<Object> values = CommandCodec.decodeValues(message);
    int at = 0;
    if (!values.isEmpty() && "@setDataFrame".equals(values.get(0))) {
      at = 1;
    }
    if (values.size() > at + 1 && "onMetaData".equals(values.get(at))
        && values.get(at + 1) instanceof Map<?, ?> map) {
      if (!publishing) {
        LOG.debug("RTMP {}: dropping metadata outside a publish", peer());
        return;
      }
      @SuppressWarnings("unchecked")
      Map<String, Object> metadata = Collections.unmodifiableMap((Map<String, Object>) map);
      try {
        listener.onMetaData(metadata);
      } catch (RuntimeException e) {
        listenerFailed(e);
      }
    } else {
      LOG.debug("RTMP {}: ignoring data message {}", peer(),
          values.isEmpty() ? "(empty)" : values.get(at < values.size() ? at : 0));
    }
  }

  private void userControl(ByteBuf payload) {
    if (payload.readableBytes() < 2) {
      LOG.debug("RTMP {}: ignoring short user control message", peer());
      return;
    }
    int event = payload.getUnsignedShort(payload.readerIndex());
    if (event == ControlMessages.PING_REQUEST && payload.readableBytes() >= 6) {
      write(ControlMessages.pingResponse(payload.getInt(payload.readerIndex() + 2)));
    } else {
      LOG.debug("RTMP {}: ignoring user control event {}", peer(), event);
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (cause instanceof IOException) {
      // The network, not the peer's bytes: not worth a warning.
      close("connection lost: " + describe(cause));
    } else {
      fail(describe(cause));
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    if (!closing) {
      LOG.info("RTMP {}: connection closed by the client", peer());
    }
    closing = true;
    endPublish("connection closed");
    super.channelInactive(ctx);
  }

  // ---- used by CommandProcessor ----

  void write(RtmpMessage message) {
    if (!channel.isActive()) {
      message.release();
      return;
    }
    ctx.writeAndFlush(message, ctx.voidPromise());
    if (!channel.isWritable()) {
      // Kiln only answers what the peer sends: replies piling up unread mean a peer that
      // sends commands or pings without reading, and would grow the outbound buffer forever.
      fail("peer does not read the server's replies");
    }
  }

  /** Sends a last message, then closes. */
  void writeAndClose(RtmpMessage message, String reason) {
    if (closing) {
      message.release();
      return;
    }
    closing = true;
    LOG.info("RTMP {}: closing connection: {}", peer(), reason);
    endPublish(reason);
    ctx.writeAndFlush(message).addListener(ChannelFutureListener.CLOSE);
  }

  /**
   * A hostile or broken peer: WARN, end the publish, close. From any thread; a listener calls
   * it for media it cannot accept (a malformed sequence header, say).
   */
  public void fail(String reason) {
    Channel ch = channel;
    if (ch == null) {
      return;
    }
    if (!ch.eventLoop().inEventLoop()) {
      ch.eventLoop().execute(() -> fail(reason));
      return;
    }
    if (closing) {
      return;
    }
    closing = true;
    LOG.warn("RTMP {}: closing connection: {}", peer(), reason);
    endPublish("error: " + reason);
    channel.close();
  }

  void connected(String app) {
    this.app = app;
  }

  /** Asks the listener; on success the session is publishing. Returns null if it failed. */
  PublishDecision requestPublish(String name, String query, String tcUrl) {
    if (listener != null) {
      throw new IllegalStateException("publish asked twice");
    }
    PublishDecision decision;
    try {
      listener = listenerFactory.create(this);
      decision = listener.onPublish(app, name, query, tcUrl, remoteAddress());
    } catch (RuntimeException e) {
      listenerFailed(e);
      return null;
    }
    if (decision == null) {
      fail("publish listener returned no decision");
      return null;
    }
    if (decision.accepted()) {
      streamName = name;
      publishing = true;
      LOG.info("RTMP {}: publishing {}/{}", peer(), app, name);
    } else {
      publishEnded = true;
      LOG.info("RTMP {}: publish of {}/{} refused: {} {}", peer(), app, name, decision.code(),
          decision.description());
    }
    return decision;
  }

  /** Whether this connection has asked to publish before (one publish per connection). */
  boolean hasAskedToPublish() {
    return listener != null || publishEnded;
  }

  /** Ends a running publish once; later calls do nothing. */
  void endPublish(String reason) {
    if (!publishing) {
      return;
    }
    publishing = false;
    publishEnded = true;
    LOG.info("RTMP {}: {}/{} unpublished: {}", peer(), app, streamName, reason);
    try {
      listener.onUnpublish(reason);
    } catch (RuntimeException e) {
      LOG.warn("RTMP {}: publish listener failed in onUnpublish", peer(), e);
    }
  }

  ByteBufAllocator alloc() {
    return ctx.alloc();
  }

  Object peer() {
    Channel ch = channel;
    return ch == null ? "(unattached)" : ch.remoteAddress();
  }

  private void listenerFailed(RuntimeException e) {
    LOG.warn("RTMP {}: closing connection: publish listener failed", peer(), e);
    if (!closing) {
      closing = true;
      endPublish("error: publish listener failed: " + e);
      channel.close();
    }
  }

  private static String describe(Throwable cause) {
    if (cause instanceof ReadTimeoutException) {
      return "no data received for too long";
    }
    Throwable root = cause;
    if (root instanceof DecoderException && root.getCause() != null) {
      root = root.getCause();
    }
    String message = root.getMessage();
    return message == null ? root.getClass().getSimpleName() : message;
  }
}

package dev.kiln.ingest.rtmp.internal.server;

import dev.kiln.rtmp.protocol.chunk.ChunkDecoder;
import dev.kiln.rtmp.protocol.chunk.ChunkEncoder;
import dev.kiln.rtmp.protocol.handshake.HandshakeHandler;
import dev.kiln.ingest.rtmp.internal.session.PublishListenerFactory;
import dev.kiln.ingest.rtmp.internal.session.RtmpSession;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.timeout.ReadTimeoutHandler;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Builds one connection's pipeline: inbound byte counter, read timeout, handshake (removes
 * itself when done), chunk encoder and decoder, session.
 */
public final class RtmpChannelInitializer extends ChannelInitializer<Channel> {
  /** By default, a connection that sends nothing for this long is closed (handshake included). */
  static final int READ_TIMEOUT_SECONDS = 30;

  private final PublishListenerFactory listenerFactory;
  private final Set<RtmpSession> sessions;
  private final int readTimeoutSeconds;

  RtmpChannelInitializer(PublishListenerFactory listenerFactory, Set<RtmpSession> sessions) {
    this(listenerFactory, sessions, READ_TIMEOUT_SECONDS);
  }

  RtmpChannelInitializer(PublishListenerFactory listenerFactory, Set<RtmpSession> sessions,
      int readTimeoutSeconds) {
    this.listenerFactory = listenerFactory;
    this.sessions = sessions;
    this.readTimeoutSeconds = readTimeoutSeconds;
  }

  @Override
  protected void initChannel(Channel ch) {
    RtmpSession session = new RtmpSession(listenerFactory);
    ch.pipeline().addLast("bytes-in", session.byteCounter());
    ch.pipeline().addLast("read-timeout", new ReadTimeoutHandler(readTimeoutSeconds, TimeUnit.SECONDS));
    configure(ch.pipeline(), session);
    sessions.add(session);
    ch.closeFuture().addListener(f -> sessions.remove(session));
  }

  /** Adds the protocol handlers, from the handshake on, to a pipeline. */
  public static void configure(ChannelPipeline pipeline, RtmpSession session) {
    pipeline.addLast("handshake", new HandshakeHandler());
    pipeline.addLast("chunk-encoder", new ChunkEncoder());
    pipeline.addLast("chunk-decoder", new ChunkDecoder(
        ChunkDecoder.DEFAULT_MAX_MESSAGE_SIZE, HandshakeHandler.CLIENT_HANDSHAKE_BYTES));
    pipeline.addLast("session", session);
  }
}

package dev.kiln.ingest.rtmp.internal.server;

import dev.kiln.rtmp.protocol.chunk.ChunkDecoder;
import dev.kiln.rtmp.protocol.chunk.ChunkEncoder;
import dev.kiln.rtmp.protocol.handshake.HandshakeHandler;
import dev.kiln.ingest.rtmp.internal.session.PublishListenerFactory;
import dev.kiln.ingest.rtmp.internal.session.RtmpSession;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import java.util.Set;

/**
 * Sets up one connection: its reads go to the shared read buffers and are counted for the
 * session, a {@link ReadTimeout} watches it, and its pipeline is handshake (removes itself when
 * done), chunk encoder and decoder, session. Nothing else sits in the pipeline: every handler
 * there is a step for every read.
 */
public final class RtmpChannelInitializer extends ChannelInitializer<Channel> {
  /** By default, a connection that sends nothing for this long is closed (handshake included). */
  static final int READ_TIMEOUT_SECONDS = 30;

  private final PublishListenerFactory listenerFactory;
  private final Set<RtmpSession> sessions;
  private final ReadBuffers readBuffers;
  private final int readTimeoutSeconds;

  RtmpChannelInitializer(PublishListenerFactory listenerFactory, Set<RtmpSession> sessions,
      ReadBuffers readBuffers) {
    this(listenerFactory, sessions, readBuffers, READ_TIMEOUT_SECONDS);
  }

  RtmpChannelInitializer(PublishListenerFactory listenerFactory, Set<RtmpSession> sessions,
      ReadBuffers readBuffers, int readTimeoutSeconds) {
    this.listenerFactory = listenerFactory;
    this.sessions = sessions;
    this.readBuffers = readBuffers;
    this.readTimeoutSeconds = readTimeoutSeconds;
  }

  @Override
  protected void initChannel(Channel ch) {
    RtmpSession session = new RtmpSession(listenerFactory);
    ch.config().setRecvByteBufAllocator(readBuffers.countingInto(session::countReceived));
    ReadTimeout.watch(ch, session, readTimeoutSeconds);
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

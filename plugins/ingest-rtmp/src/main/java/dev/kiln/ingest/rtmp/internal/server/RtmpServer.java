package dev.kiln.ingest.rtmp.internal.server;

import dev.kiln.ingest.rtmp.internal.session.PublishListenerFactory;
import dev.kiln.ingest.rtmp.internal.session.RtmpSession;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The RTMP listener: accepts publisher connections on the host's event loops.
 *
 * <p>The event loop groups belong to the host: this class never creates or shuts them down.
 * {@link #close()} stops listening and closes every connection.
 */
public final class RtmpServer implements AutoCloseable {
  public static final int DEFAULT_PORT = 1935;

  private static final Logger LOG = LoggerFactory.getLogger(RtmpServer.class);
  private static final long CLOSE_WAIT_SECONDS = 5;

  private final EventLoopGroup bossGroup;
  private final EventLoopGroup workerGroup;
  private final Class<? extends ServerChannel> channelType;
  private final String host;
  private final int port;
  private final PublishListenerFactory listenerFactory;
  private final int readTimeoutSeconds;
  private final Set<RtmpSession> sessions = ConcurrentHashMap.newKeySet();
  private ReadBuffers readBuffers;
  private Channel serverChannel;

  /** A server on NIO channels; the groups must be NIO groups. */
  public RtmpServer(EventLoopGroup bossGroup, EventLoopGroup workerGroup, String host, int port,
      PublishListenerFactory listenerFactory) {
    this(bossGroup, workerGroup, NioServerSocketChannel.class, host, port, listenerFactory);
  }

  /**
   * @param channelType the server channel class that matches the groups' transport (NIO,
   *     epoll, ...)
   * @param host the address to bind, e.g. {@code 0.0.0.0}
   * @param port the port, or 0 for any free port (see {@link #localAddress()})
   */
  public RtmpServer(EventLoopGroup bossGroup, EventLoopGroup workerGroup,
      Class<? extends ServerChannel> channelType, String host, int port,
      PublishListenerFactory listenerFactory) {
    this(bossGroup, workerGroup, channelType, host, port, listenerFactory,
        RtmpChannelInitializer.READ_TIMEOUT_SECONDS);
  }

  /**
   * @param readTimeoutSeconds a connection that sends nothing for this long is closed (a WARN
   *     naming the peer; a running publish ends)
   */
  public RtmpServer(EventLoopGroup bossGroup, EventLoopGroup workerGroup,
      Class<? extends ServerChannel> channelType, String host, int port,
      PublishListenerFactory listenerFactory, int readTimeoutSeconds) {
    if (readTimeoutSeconds < 1) {
      throw new IllegalArgumentException("read timeout " + readTimeoutSeconds + " s: must be at least 1 s");
    }
    this.readTimeoutSeconds = readTimeoutSeconds;
    this.bossGroup = Objects.requireNonNull(bossGroup, "bossGroup");
    this.workerGroup = Objects.requireNonNull(workerGroup, "workerGroup");
    this.channelType = Objects.requireNonNull(channelType, "channelType");
    this.host = Objects.requireNonNull(host, "host");
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("RTMP port " + port + " outside 0..65535");
    }
    this.port = port;
    this.listenerFactory = Objects.requireNonNull(listenerFactory, "listenerFactory");
  }

  /**
   * Binds the listening socket.
   *
   * @throws IOException naming {@code host:port} when the address cannot be bound
   * @throws IllegalStateException when already started
   */
  public synchronized void start() throws IOException {
    if (serverChannel != null) {
      throw new IllegalStateException("RTMP server already started");
    }
    readBuffers = new ReadBuffers();
    ServerBootstrap bootstrap = new ServerBootstrap()
        .group(bossGroup, workerGroup)
        .channel(channelType)
        .option(ChannelOption.SO_BACKLOG, 128)
        .childOption(ChannelOption.TCP_NODELAY, true)
        .childHandler(
            new RtmpChannelInitializer(listenerFactory, sessions, readBuffers, readTimeoutSeconds));
    ChannelFuture bound = bootstrap.bind(host, port).awaitUninterruptibly();
    if (!bound.isSuccess()) {
      readBuffers.close();
      Throwable cause = bound.cause();
      throw new IOException("cannot listen for RTMP on " + host + ":" + port + ": "
          + (cause == null ? "unknown error" : cause.getMessage()), cause);
    }
    serverChannel = bound.channel();
    LOG.info("RTMP ingest listening on {}", serverChannel.localAddress());
  }

  /** The bound address (with the real port when started on port 0). */
  public synchronized InetSocketAddress localAddress() {
    if (serverChannel == null) {
      throw new IllegalStateException("RTMP server not started");
    }
    return (InetSocketAddress) serverChannel.localAddress();
  }

  /** The connections open now (a snapshot). */
  public Set<RtmpSession> sessions() {
    return sessions.stream()
        .filter(session -> !session.closeFuture().isDone())
        .collect(Collectors.toUnmodifiableSet());
  }

  /** Stops listening and closes every connection; waits (a few seconds at most) for both. */
  @Override
  public synchronized void close() {
    if (serverChannel == null) {
      return;
    }
    serverChannel.close().awaitUninterruptibly(CLOSE_WAIT_SECONDS, TimeUnit.SECONDS);
    LOG.info("RTMP ingest on {} stopped", serverChannel.localAddress());
    serverChannel = null;
    List<RtmpSession> open = new ArrayList<>(sessions);
    for (RtmpSession session : open) {
      session.close("RTMP server stopped");
    }
    for (RtmpSession session : open) {
      session.closeFuture().awaitUninterruptibly(CLOSE_WAIT_SECONDS, TimeUnit.SECONDS);
    }
    readBuffers.close();
  }
}

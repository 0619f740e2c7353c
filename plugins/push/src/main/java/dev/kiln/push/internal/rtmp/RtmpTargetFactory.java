package dev.kiln.push.internal.rtmp;

import dev.kiln.push.internal.target.Protocol;
import dev.kiln.push.internal.target.PushTarget;
import dev.kiln.push.internal.target.PushTargetFactory;
import dev.kiln.push.internal.target.TargetSpec;
import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLException;

/**
 * Makes {@link RtmpPushTarget}s for {@code rtmp://} and {@code rtmps://} pushes on the host's
 * Netty event loops (the bundle starts none of its own).
 *
 * <p>Host names are resolved on a small pool of daemon threads (at most {@value #RESOLVER_THREADS},
 * none while idle), so a slow DNS server never holds an event loop or the push task. RTMPS uses
 * the JDK's TLS engine with the JDK's default trust store, SNI and host name verification.
 */
public final class RtmpTargetFactory implements PushTargetFactory {
  /** Connect, handshake and publish must complete within this, or open() fails. */
  public static final Duration DEFAULT_OPEN_TIMEOUT = Duration.ofSeconds(10);
  /** A connection that accepts no bytes for this long is closed as failed. */
  public static final Duration DEFAULT_STALL_TIMEOUT = Duration.ofSeconds(30);
  static final int RESOLVER_THREADS = 4;

  private final EventLoopGroup group;
  private final Class<? extends Channel> socketChannelClass;
  private final Duration openTimeout;
  private final Duration stallTimeout;
  private final ThreadPoolExecutor resolver;
  private SslContext sslContext;

  /**
   * @param group the kernel's shared worker event loops
   * @param socketChannelClass the client channel class matching {@code group} (epoll or NIO),
   *     the kernel's {@code kiln.socketChannel}
   */
  public RtmpTargetFactory(EventLoopGroup group, Class<? extends Channel> socketChannelClass) {
    this(group, socketChannelClass, DEFAULT_OPEN_TIMEOUT, DEFAULT_STALL_TIMEOUT, null);
  }

  /** For tests: other timeouts, and an SSL context (e.g. trusting a test certificate). */
  RtmpTargetFactory(EventLoopGroup group, Class<? extends Channel> socketChannelClass,
      Duration openTimeout, Duration stallTimeout, SslContext sslContext) {
    this.group = Objects.requireNonNull(group, "group");
    this.socketChannelClass = Objects.requireNonNull(socketChannelClass, "socketChannelClass");
    this.openTimeout = openTimeout;
    this.stallTimeout = stallTimeout;
    this.sslContext = sslContext;
    this.resolver = new ThreadPoolExecutor(RESOLVER_THREADS, RESOLVER_THREADS, 30,
        TimeUnit.SECONDS, new LinkedBlockingQueue<>(), daemonThreads());
    this.resolver.allowCoreThreadTimeOut(true);
  }

  /**
   * Checks an RTMP target URL and stream key the way {@link #create} reads them.
   *
   * @throws IllegalArgumentException naming the field and what is wrong with it
   */
  public static void validate(URI url, String streamKey) {
    RtmpEndpoint.of(url, streamKey);
  }

  /**
   * @throws IllegalArgumentException when the spec is not an RTMP spec or its URL or key
   *     cannot be read (see {@link #validate})
   */
  @Override
  public PushTarget create(TargetSpec spec) {
    if (spec.protocol() != Protocol.RTMP) {
      throw new IllegalArgumentException("protocol: the RTMP target factory cannot make "
          + spec.protocol().apiName() + " targets");
    }
    return new RtmpPushTarget(this, RtmpEndpoint.of(spec.url(), spec.streamKey()), spec.tracks());
  }

  EventLoopGroup group() {
    return group;
  }

  Class<? extends Channel> socketChannelClass() {
    return socketChannelClass;
  }

  Duration openTimeout() {
    return openTimeout;
  }

  Duration stallTimeout() {
    return stallTimeout;
  }

  Executor resolver() {
    return resolver;
  }

  /** The client TLS context, made on first use. */
  synchronized SslContext sslContext() throws IOException {
    if (sslContext == null) {
      try {
        sslContext = SslContextBuilder.forClient()
            .sslProvider(SslProvider.JDK)
            .endpointIdentificationAlgorithm("HTTPS")
            .build();
      } catch (SSLException e) {
        throw new IOException("cannot set up TLS: " + e.getMessage(), e);
      }
    }
    return sslContext;
  }

  private static ThreadFactory daemonThreads() {
    AtomicInteger count = new AtomicInteger();
    return runnable -> {
      Thread thread = new Thread(runnable, "kiln-push-resolver-" + count.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    };
  }
}

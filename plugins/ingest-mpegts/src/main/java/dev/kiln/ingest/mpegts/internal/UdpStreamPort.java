package dev.kiln.ingest.mpegts.internal;

import dev.kiln.api.error.KilnException;
import dev.kiln.api.server.MpegTsInput;
import dev.kiln.api.stream.PublishRequest;
import dev.kiln.api.stream.StreamRegistry;
import dev.kiln.mpegts.TsPublisher;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetSocketAddress;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One UDP port of the MPEG-TS ingest: its datagrams make one input stream. The stream is opened
 * when a sender's datagrams first complete the tracks and closed after {@code timeoutSeconds}
 * without datagrams from that sender. Until a sender is published, up to
 * {@link #MAX_CANDIDATES} senders are demuxed side by side (so a stray or hostile sender cannot
 * hold the port); once one is published, datagrams from the others are dropped.
 *
 * <p>Everything runs on the channel's event loop; nothing here blocks.
 */
final class UdpStreamPort extends SimpleChannelInboundHandler<DatagramPacket> {
  /** Senders demuxed at once while none is published. */
  static final int MAX_CANDIDATES = 4;
  /** How long a sender whose stream was refused (unknown app, name in use) is ignored. */
  static final long REFUSED_BACKOFF_NANOS = TimeUnit.SECONDS.toNanos(5);
  /** The source type the REST API shows. */
  static final String SOURCE_TYPE = "MpegTs";

  private static final Logger LOG = LoggerFactory.getLogger(UdpStreamPort.class);

  private final StreamRegistry registry;
  private final MpegTsInput input;
  private final long timeoutNanos;
  private final LongSupplier clock;
  private final Map<InetSocketAddress, Sender> senders = new LinkedHashMap<>();
  private ChannelHandlerContext ctx;
  private ScheduledFuture<?> sweeper;
  private long droppedDatagrams;
  private boolean othersLogged;

  UdpStreamPort(StreamRegistry registry, MpegTsInput input, int timeoutSeconds, LongSupplier clock) {
    this.registry = registry;
    this.input = input;
    this.timeoutNanos = TimeUnit.SECONDS.toNanos(timeoutSeconds);
    this.clock = clock;
  }

  /** One sender: its demuxer and stream, or the time until which it is ignored. */
  private final class Sender {
    final InetSocketAddress address;
    TsPublisher publisher;
    long lastSeen;
    long mutedUntil;

    Sender(InetSocketAddress address, long now) {
      this.address = address;
      this.lastSeen = now;
    }

    boolean published() {
      return publisher != null && publisher.isPublished();
    }

    void closePublisher() {
      if (publisher != null) {
        publisher.close();
        publisher = null;
      }
    }
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
    long every = Math.max(TimeUnit.MILLISECONDS.toNanos(200), timeoutNanos / 4);
    sweeper = ctx.executor().scheduleAtFixedRate(this::sweep, every, every, TimeUnit.NANOSECONDS);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    stop();
    ctx.fireChannelInactive();
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    stop();
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
    InetSocketAddress from = packet.sender();
    long now = clock.getAsLong();
    Sender sender = senders.get(from);
    if (sender == null) {
      if (publishedSender() != null || senders.size() >= MAX_CANDIDATES) {
        dropOther(from);
        return;
      }
      sender = new Sender(from, now);
      senders.put(from, sender);
    }
    sender.lastSeen = now;
    if (now - sender.mutedUntil < 0) {
      return;
    }
    if (sender.publisher == null) {
      sender.publisher = new TsPublisher(registry, new PublishRequest(input.key(), SOURCE_TYPE,
          describe(from), () -> disconnect(from)));
    }
    boolean wasPublished = sender.published();
    try {
      sender.publisher.feed(packet.content());
    } catch (KilnException e) {
      LOG.warn("MPEG-TS port {}: stream {} from {} refused: {}; ignoring that sender for {} s",
          input.port(), input.key(), describe(from), e.getMessage(),
          TimeUnit.NANOSECONDS.toSeconds(REFUSED_BACKOFF_NANOS));
      mute(sender, now + REFUSED_BACKOFF_NANOS);
      return;
    } catch (RuntimeException e) {
      LOG.warn("MPEG-TS port {}: stream {} from {} failed; closing it", input.port(), input.key(),
          describe(from), e);
      mute(sender, now + REFUSED_BACKOFF_NANOS);
      return;
    }
    if (!wasPublished && sender.published()) {
      // This sender won the port: the others stop here.
      for (Iterator<Sender> it = senders.values().iterator(); it.hasNext(); ) {
        Sender other = it.next();
        if (other != sender) {
          other.closePublisher();
          it.remove();
        }
      }
    }
  }

  private void dropOther(InetSocketAddress from) {
    droppedDatagrams++;
    if (!othersLogged) {
      othersLogged = true;
      Sender current = publishedSender();
      LOG.warn("MPEG-TS port {}: datagrams from {} dropped: {} (logged once per port)", input.port(),
          describe(from), current != null
              ? "the port's stream " + input.key() + " comes from " + describe(current.address)
              : "too many senders at once");
    }
  }

  private Sender publishedSender() {
    for (Sender s : senders.values()) {
      if (s.published()) {
        return s;
      }
    }
    return null;
  }

  /** The stream was deleted through the API: close it, ignore its sender until it goes silent. */
  private void disconnect(InetSocketAddress from) {
    ctx.executor().execute(() -> {
      Sender sender = senders.get(from);
      if (sender != null && sender.publisher != null) {
        LOG.info("MPEG-TS port {}: stream {} disconnected by the server; datagrams from {} are"
            + " ignored until they stop for {} s", input.port(), input.key(), describe(from),
            TimeUnit.NANOSECONDS.toSeconds(timeoutNanos));
        mute(sender, Long.MAX_VALUE);
      }
    });
  }

  private void mute(Sender sender, long until) {
    sender.closePublisher();
    sender.mutedUntil = until == Long.MAX_VALUE ? clock.getAsLong() + Long.MAX_VALUE / 2 : until;
  }

  /** Closes the streams of senders silent for the input timeout. */
  void sweep() {
    long now = clock.getAsLong();
    for (Iterator<Sender> it = senders.values().iterator(); it.hasNext(); ) {
      Sender s = it.next();
      if (now - s.lastSeen >= timeoutNanos) {
        if (s.published()) {
          LOG.info("MPEG-TS port {}: no datagrams from {} for {} s; closing {}", input.port(),
              describe(s.address), TimeUnit.NANOSECONDS.toSeconds(timeoutNanos), input.key());
        }
        s.closePublisher();
        it.remove();
      }
    }
    if (senders.isEmpty()) {
      othersLogged = false;
    }
  }

  private void stop() {
    if (sweeper != null) {
      sweeper.cancel(false);
      sweeper = null;
    }
    for (Sender s : senders.values()) {
      s.closePublisher();
    }
    senders.clear();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    LOG.warn("MPEG-TS port {}: {}", input.port(), cause.toString());
  }

  long droppedDatagrams() {
    return droppedDatagrams;
  }

  private static String describe(InetSocketAddress a) {
    return a.getAddress() != null ? a.getAddress().getHostAddress() + ":" + a.getPort() : a.toString();
  }
}

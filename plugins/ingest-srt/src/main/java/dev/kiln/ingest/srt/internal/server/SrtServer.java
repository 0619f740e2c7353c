package dev.kiln.ingest.srt.internal.server;

import static dev.kiln.ingest.srt.internal.protocol.SrtPackets.HEADER_SIZE;

import dev.kiln.ingest.srt.internal.crypto.KeyMaterial;
import dev.kiln.ingest.srt.internal.crypto.PacketCipher;
import dev.kiln.ingest.srt.internal.protocol.Handshake;
import dev.kiln.ingest.srt.internal.protocol.Handshake.Extension;
import dev.kiln.ingest.srt.internal.protocol.Rejection;
import dev.kiln.ingest.srt.internal.protocol.SrtPackets;
import dev.kiln.ingest.srt.internal.protocol.SrtProtocolException;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.DatagramPacket;
import io.netty.util.concurrent.ScheduledFuture;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The SRT listener: one UDP socket on the host's event loops, many callers, each told apart
 * by the destination socket id Kiln gave it in the handshake.
 *
 * <p>Handshakes: an induction request is answered with a SYN cookie and no state; a
 * conclusion is only considered with a valid cookie, and only {@link #HANDSHAKES_PER_SECOND}
 * per source address are looked at. Packets for unknown socket ids, from another address than
 * the connection's caller, or malformed, are dropped and counted. All of it, and every
 * connection's timers, run on the socket's event loop. The timer that drives them ticks only
 * while a connection is open: an idle listener does not wake its event loop.
 */
public final class SrtServer implements AutoCloseable {
  public static final int DEFAULT_PORT = 9999;
  static final int SRT_VERSION = 0x00010500;
  static final int FLAG_TSBPDSND = 0x1;
  static final int FLAG_TSBPDRCV = 0x2;
  static final int FLAG_HAICRYPT = 0x4;
  static final int FLAG_TLPKTDROP = 0x8;
  static final int FLAG_NAKREPORT = 0x10;
  static final int FLAG_REXMITFLG = 0x20;
  static final int FLAG_STREAM = 0x40;
  static final int FLAG_PACKET_FILTER = 0x80;
  static final double HANDSHAKES_PER_SECOND = 20;
  static final double HANDSHAKE_BURST = 40;
  static final int MAX_CONNECTIONS = 1000;
  static final int BUFFER_PACKETS = 8192;
  static final long PEER_IDLE_MICROS = 5_000_000;
  private static final long TICK_MICROS = 10_000;
  private static final long CLOSE_WAIT_SECONDS = 5;
  private static final Logger LOG = LoggerFactory.getLogger(SrtServer.class);

  private final EventLoopGroup group;
  private final Class<? extends DatagramChannel> channelType;
  private final String host;
  private final int port;
  private final SrtAcceptor acceptor;
  private final String passphrase;
  private final long dataIdleMicros;
  private final SynCookies cookies = new SynCookies();
  private final RateLimiter limiter =
      new RateLimiter(HANDSHAKES_PER_SECOND, HANDSHAKE_BURST, 100_000);
  private final Map<Integer, SrtConnection> connections = new HashMap<>();
  private final Map<String, SrtConnection> byCaller = new HashMap<>();
  private final int listenerSocketId = ThreadLocalRandom.current().nextInt(1, Integer.MAX_VALUE);
  private final AtomicLong dropped = new AtomicLong();
  private final AtomicLong handshakesLimited = new AtomicLong();
  private final AtomicLong rejected = new AtomicLong();
  private volatile Channel channel;
  private ScheduledFuture<?> ticker;
  private boolean flushPending;

  /**
   * @param passphrase encryption passphrase callers must use (10 to 79 characters), or null /
   *     empty for unencrypted streams only
   * @param inputTimeoutSeconds a connection that brings no data packet this long is closed
   */
  public SrtServer(EventLoopGroup group, Class<? extends DatagramChannel> channelType, String host,
      int port, SrtAcceptor acceptor, String passphrase, int inputTimeoutSeconds) {
    this.group = Objects.requireNonNull(group, "group");
    this.channelType = Objects.requireNonNull(channelType, "channelType");
    this.host = Objects.requireNonNull(host, "host");
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("SRT port " + port + " outside 0..65535");
    }
    this.port = port;
    this.acceptor = Objects.requireNonNull(acceptor, "acceptor");
    this.passphrase = passphrase == null || passphrase.isEmpty() ? null : passphrase;
    if (this.passphrase != null && (this.passphrase.length() < 10 || this.passphrase.length() > 79)) {
      throw new IllegalArgumentException("the SRT passphrase must have 10 to 79 characters, it has "
          + this.passphrase.length());
    }
    if (inputTimeoutSeconds < 1) {
      throw new IllegalArgumentException("input timeout " + inputTimeoutSeconds + " s: must be at least 1 s");
    }
    this.dataIdleMicros = inputTimeoutSeconds * 1_000_000L;
  }

  /** Binds the UDP socket. @throws IOException naming {@code host:port} when it cannot */
  public synchronized void start() throws IOException {
    if (channel != null) {
      throw new IllegalStateException("SRT server already started");
    }
    Bootstrap bootstrap = new Bootstrap()
        .group(group)
        .channel(channelType)
        .option(ChannelOption.SO_RCVBUF, 4 * 1024 * 1024)
        .option(ChannelOption.RCVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(2048))
        .handler(new Inbound());
    ChannelFuture bound = bootstrap.bind(host, port).awaitUninterruptibly();
    if (!bound.isSuccess()) {
      Throwable cause = bound.cause();
      throw new IOException("cannot listen for SRT on " + host + ":" + port + " (UDP): "
          + (cause == null ? "unknown error" : cause.getMessage()), cause);
    }
    channel = bound.channel();
    LOG.info("SRT ingest listening on {} (UDP){}", channel.localAddress(),
        passphrase == null ? "" : ", encrypted streams only");
  }

  public synchronized InetSocketAddress localAddress() {
    if (channel == null) {
      throw new IllegalStateException("SRT server not started");
    }
    return (InetSocketAddress) channel.localAddress();
  }

  /** Packets dropped: malformed, for unknown connections, from the wrong address. */
  public long droppedPackets() {
    return dropped.get();
  }

  /** Handshake packets dropped by the per-source rate limit. */
  public long handshakesLimited() {
    return handshakesLimited.get();
  }

  /** Conclusion handshakes refused. */
  public long rejectedHandshakes() {
    return rejected.get();
  }

  /** Open connections (read on the event loop; a snapshot). */
  public List<SrtConnection> connections() {
    Channel c = channel;
    if (c == null) {
      return List.of();
    }
    return c.eventLoop().submit(() -> List.copyOf(connections.values())).syncUninterruptibly().getNow();
  }

  /** Closes every connection (callers get a shutdown) and the socket. */
  @Override
  public synchronized void close() {
    Channel c = channel;
    if (c == null) {
      return;
    }
    c.eventLoop().submit(() -> {
      stopTicking();
      for (SrtConnection conn : new ArrayList<>(connections.values())) {
        conn.closeNow("SRT server stopped", true);
      }
      c.flush();
    }).awaitUninterruptibly(CLOSE_WAIT_SECONDS, TimeUnit.SECONDS);
    c.close().awaitUninterruptibly(CLOSE_WAIT_SECONDS, TimeUnit.SECONDS);
    LOG.info("SRT ingest on {} stopped", c.localAddress());
    channel = null;
  }

  long nowMicros() {
    return System.nanoTime() / 1000;
  }

  ByteBufAllocator alloc() {
    return channel.alloc();
  }

  void execute(Runnable task) {
    Channel c = channel;
    if (c != null) {
      c.eventLoop().execute(task);
    }
  }

  void send(ByteBuf packet, InetSocketAddress to, boolean flush) {
    Channel c = channel;
    if (c == null || !c.isWritable()) {
      packet.release();
      return;
    }
    c.write(new DatagramPacket(packet, to), c.voidPromise());
    if (flush) {
      c.flush();
      flushPending = false;
    } else {
      flushPending = true;
    }
  }

  private void flushIfPending() {
    Channel c = channel;
    if (flushPending && c != null) {
      flushPending = false;
      c.flush();
    }
  }

  void removed(SrtConnection conn) {
    connections.remove(conn.socketId(), conn);
    byCaller.remove(callerKey(conn.peer(), conn.peerSocketId()), conn);
    if (connections.isEmpty()) {
      stopTicking();
    }
  }

  /** Whether the connections' timer runs (read on the event loop). */
  boolean ticking() {
    Channel c = channel;
    return c != null && c.eventLoop().submit(() -> ticker != null).syncUninterruptibly().getNow();
  }

  private void startTicking() {
    if (ticker == null) {
      ticker = channel.eventLoop()
          .scheduleAtFixedRate(this::tick, TICK_MICROS, TICK_MICROS, TimeUnit.MICROSECONDS);
    }
  }

  private void stopTicking() {
    if (ticker != null) {
      ticker.cancel(false);
      ticker = null;
    }
  }

  private void tick() {
    long now = nowMicros();
    for (SrtConnection conn : new ArrayList<>(connections.values())) {
      try {
        conn.tick(now);
      } catch (RuntimeException e) {
        LOG.warn("SRT {} {}: closing the connection after a failure", conn.peer(), conn.streamId(), e);
        conn.closeNow("internal error: " + e, true);
      }
    }
    flushIfPending();
  }

  private final class Inbound extends SimpleChannelInboundHandler<DatagramPacket> {
    Inbound() {
      super(false);
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket msg) {
      ByteBuf packet = msg.content();
      InetSocketAddress sender = msg.sender();
      try {
        onPacket(packet, sender);
      } catch (RuntimeException e) {
        dropped.incrementAndGet();
        LOG.warn("SRT {}: packet dropped after a failure", sender, e);
        if (packet.refCnt() > 0) {
          packet.release();
        }
      }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
      flushIfPending();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      LOG.warn("SRT socket error on {}: {}", ctx.channel().localAddress(), cause.toString());
    }
  }

  /** One datagram; its buffer's reference is released or handed on. */
  private void onPacket(ByteBuf packet, InetSocketAddress sender) {
    if (packet.readableBytes() < HEADER_SIZE || sender == null) {
      dropped.incrementAndGet();
      packet.release();
      return;
    }
    long now = nowMicros();
    int destination = SrtPackets.destinationSocket(packet);
    SrtConnection conn = destination == 0 ? null : connections.get(destination);
    if (!SrtPackets.isControl(packet)) {
      if (conn == null || !conn.peer().equals(sender)) {
        dropped.incrementAndGet();
        packet.release();
        return;
      }
      conn.onData(packet, now);
      return;
    }
    try {
      if (SrtPackets.controlType(packet) == SrtPackets.HANDSHAKE) {
        onHandshake(packet, sender, now);
      } else if (conn != null && conn.peer().equals(sender)) {
        conn.onControl(packet, now);
      } else {
        dropped.incrementAndGet();
      }
    } finally {
      packet.release();
    }
  }

  private void onHandshake(ByteBuf packet, InetSocketAddress sender, long now) {
    if (!limiter.allow(sender.getAddress(), now)) {
      handshakesLimited.incrementAndGet();
      return;
    }
    Handshake hs;
    try {
      hs = Handshake.read(packet.slice(packet.readerIndex() + HEADER_SIZE, packet.readableBytes() - HEADER_SIZE));
    } catch (SrtProtocolException e) {
      dropped.incrementAndGet();
      LOG.debug("SRT {}: malformed handshake: {}", sender, e.getMessage());
      return;
    }
    if (hs.type() == Handshake.INDUCTION) {
      Handshake reply = new Handshake(5, 0, Handshake.SRT_MAGIC, hs.initialSequence(), hs.mtu(),
          hs.flowWindow(), Handshake.INDUCTION, listenerSocketId, cookies.cookie(sender, now),
          peerIp(sender), List.of());
      sendHandshake(reply, hs.socketId(), sender);
    } else if (hs.type() == Handshake.CONCLUSION) {
      if (!cookies.valid(sender, hs.cookie(), now)) {
        dropped.incrementAndGet();
        LOG.debug("SRT {}: conclusion with a wrong cookie ignored", sender);
        return;
      }
      SrtConnection existing = byCaller.get(callerKey(sender, hs.socketId()));
      if (existing != null) {
        ByteBuf reply = existing.conclusionReply();
        if (reply != null) {
          send(reply.retainedDuplicate(), sender, true);
        }
        return;
      }
      conclude(hs, SrtPackets.timestamp(packet), sender, now);
    }
  }

  private void conclude(Handshake hs, int timestamp, InetSocketAddress sender, long now) {
    Extension hsreq = hs.extension(Handshake.CMD_HSREQ);
    Extension sid = hs.extension(Handshake.CMD_SID);
    String streamId = sid == null ? "" : Handshake.text(sid.content());
    try {
      if (hs.version() != 5) {
        throw new SrtAcceptor.RejectedException(Rejection.VERSION, "handshake version " + hs.version() + ", 5 needed");
      }
      if (hsreq == null || hsreq.content().length < 12) {
        throw new SrtAcceptor.RejectedException(Rejection.VERSION, "no SRT handshake request (HSREQ)");
      }
      int flags = word(hsreq.content(), 1);
      int latencies = word(hsreq.content(), 2);
      if ((flags & FLAG_STREAM) != 0) {
        throw new SrtAcceptor.RejectedException(Rejection.MESSAGEAPI, "stream (file) mode asked for; live mode only");
      }
      Extension congestion = hs.extension(Handshake.CMD_CONGESTION);
      if (congestion != null && !Handshake.text(congestion.content()).equals("live")) {
        throw new SrtAcceptor.RejectedException(Rejection.CONGESTION,
            "congestion control " + Handshake.text(congestion.content()) + " asked for; live only");
      }
      if (hs.extension(Handshake.CMD_FILTER) != null) {
        throw new SrtAcceptor.RejectedException(Rejection.FILTER, "packet filters are not supported");
      }
      if (hs.extension(Handshake.CMD_GROUP) != null) {
        throw new SrtAcceptor.RejectedException(Rejection.GROUP, "socket groups are not supported");
      }
      Extension kmreq = hs.extension(Handshake.CMD_KMREQ);
      PacketCipher cipher = null;
      KeyMaterial km = null;
      if (passphrase != null) {
        if (kmreq == null) {
          throw new SrtAcceptor.RejectedException(Rejection.UNSECURE, "no passphrase given; this listener needs one");
        }
        try {
          km = KeyMaterial.parse(kmreq.content());
          cipher = km.open(passphrase, null);
        } catch (IllegalArgumentException e) {
          throw new SrtAcceptor.RejectedException(Rejection.CRYPTO, "key material refused: " + e.getMessage());
        } catch (KeyMaterial.BadSecretException e) {
          throw new SrtAcceptor.RejectedException(Rejection.BADSECRET, "wrong passphrase");
        }
      } else if (kmreq != null) {
        throw new SrtAcceptor.RejectedException(Rejection.UNSECURE, "encryption asked for; this listener has no passphrase");
      }
      if (connections.size() >= MAX_CONNECTIONS) {
        throw new SrtAcceptor.RejectedException(Rejection.RESOURCE, "too many connections (" + MAX_CONNECTIONS + ")");
      }
      int latencyMs = latencies & 0xFFFF;
      int socketId = newSocketId();
      SrtConnection conn = new SrtConnection(this, sender, socketId, hs.socketId(), hs.initialSequence(),
          timestamp, latencyMs, BUFFER_PACKETS, PEER_IDLE_MICROS, dataIdleMicros, passphrase, cipher, now);
      SrtStreamListener listener = acceptor.accept(streamId, sender, conn);
      int responseFlags = FLAG_TSBPDRCV | FLAG_TLPKTDROP | FLAG_NAKREPORT | FLAG_REXMITFLG | FLAG_HAICRYPT
          | ((flags & FLAG_TSBPDRCV) != 0 ? FLAG_TSBPDSND : 0);
      int peerReceiveLatency = latencies >>> 16;
      byte[] hsrsp = words(SRT_VERSION, responseFlags, (latencyMs << 16) | (peerReceiveLatency & 0xFFFF));
      List<Extension> extensions = new ArrayList<>();
      extensions.add(new Extension(Handshake.CMD_HSRSP, hsrsp));
      int extensionField = Handshake.EXT_HSREQ;
      if (km != null) {
        extensions.add(new Extension(Handshake.CMD_KMRSP, km.message()));
        extensionField |= Handshake.EXT_KMREQ;
      }
      Handshake reply = new Handshake(5, 0, extensionField, hs.initialSequence(), Math.min(hs.mtu(), 1500),
          Math.min(hs.flowWindow(), BUFFER_PACKETS), Handshake.CONCLUSION, socketId, hs.cookie(),
          peerIp(sender), extensions);
      ByteBuf bytes = handshakePacket(reply, hs.socketId());
      conn.accepted(streamId, listener, bytes.retainedDuplicate());
      connections.put(socketId, conn);
      byCaller.put(callerKey(sender, hs.socketId()), conn);
      startTicking();
      send(bytes, sender, true);
      LOG.info("SRT {}: connected, stream id '{}', latency {} ms{}", sender, streamId, latencyMs,
          cipher == null ? "" : ", AES-" + km.keyLength() * 8);
    } catch (SrtAcceptor.RejectedException e) {
      rejected.incrementAndGet();
      Rejection r = e.rejection();
      LOG.warn("SRT {}: refused stream id '{}': {} (reason {})", sender, streamId, r.message(), r.code());
      Handshake reply = new Handshake(5, 0, 0, hs.initialSequence(), hs.mtu(), hs.flowWindow(),
          r.handshakeType(), 0, hs.cookie(), peerIp(sender), List.of());
      sendHandshake(reply, hs.socketId(), sender);
    }
  }

  private int newSocketId() {
    int id;
    do {
      id = ThreadLocalRandom.current().nextInt(1, Integer.MAX_VALUE);
    } while (connections.containsKey(id) || id == listenerSocketId);
    return id;
  }

  private void sendHandshake(Handshake hs, int destination, InetSocketAddress to) {
    send(handshakePacket(hs, destination), to, true);
  }

  private ByteBuf handshakePacket(Handshake hs, int destination) {
    ByteBuf out = SrtPackets.control(alloc(), SrtPackets.HANDSHAKE, 0, 0, 0, destination, hs.size());
    hs.write(out);
    return out;
  }

  private static String callerKey(InetSocketAddress peer, int socketId) {
    return peer.getAddress().getHostAddress() + "|" + peer.getPort() + "|" + socketId;
  }

  private static int word(byte[] content, int index) {
    int at = index * 4;
    return (content[at] & 0xFF) << 24 | (content[at + 1] & 0xFF) << 16
        | (content[at + 2] & 0xFF) << 8 | (content[at + 3] & 0xFF);
  }

  private static byte[] words(int... values) {
    byte[] out = new byte[values.length * 4];
    for (int i = 0; i < values.length; i++) {
      out[i * 4] = (byte) (values[i] >>> 24);
      out[i * 4 + 1] = (byte) (values[i] >>> 16);
      out[i * 4 + 2] = (byte) (values[i] >>> 8);
      out[i * 4 + 3] = (byte) values[i];
    }
    return out;
  }

  private static byte[] peerIp(InetSocketAddress peer) {
    byte[] ip = new byte[16];
    byte[] address = peer.getAddress().getAddress();
    System.arraycopy(address, 0, ip, 0, Math.min(16, address.length));
    return ip;
  }
}

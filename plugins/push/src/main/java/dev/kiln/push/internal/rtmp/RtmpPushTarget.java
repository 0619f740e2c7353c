package dev.kiln.push.internal.rtmp;

import dev.kiln.api.media.MediaPacket;
import dev.kiln.api.media.Payload;
import dev.kiln.api.media.Track;
import dev.kiln.push.internal.target.PushTarget;
import dev.kiln.rtmp.protocol.chunk.ChunkDecoder;
import dev.kiln.rtmp.protocol.chunk.ChunkSliceEncoder;
import dev.kiln.rtmp.protocol.flv.FlvTagWriter;
import dev.kiln.rtmp.protocol.handshake.ClientHandshakeHandler;
import dev.kiln.rtmp.protocol.message.ClientCommands;
import dev.kiln.rtmp.protocol.message.MessageType;
import dev.kiln.rtmp.protocol.message.RtmpMessage;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.concurrent.ScheduledFuture;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One RTMP/RTMPS publish to another server, for one attempt of a push: a Netty client on the
 * host's event loops that connects, publishes the spec's tracks under the stream key and sends
 * packets from the media bus as FLV tags, payloads by reference.
 *
 * <p>{@link #open()} resolves the host on a resolver thread (never on an event loop), connects,
 * runs the handshake and the publish commands and completes on {@code NetStream.Publish.Start},
 * after the metadata and sequence headers are written. It fails with a message naming the
 * target on refusal, DNS, connection or TLS failure, or when the whole sequence takes longer
 * than the open timeout. Both futures complete on a pool thread, not on the event loop.
 *
 * <p>{@link #send} runs on the caller's thread and never blocks: it starts with the first
 * video key frame (audio-only: the first packet), rebases timestamps so that frame is at 0 ms,
 * and while the channel is above its write-buffer high-water mark drops packets up to the next
 * video key frame once it is writable again. A connection that stays unwritable for the stall
 * timeout is closed as failed.
 */
public final class RtmpPushTarget implements PushTarget {
  private static final Logger LOG = LoggerFactory.getLogger(RtmpPushTarget.class);
  static final WriteBufferWaterMark WATER_MARK =
      new WriteBufferWaterMark(512 * 1024, 2 * 1024 * 1024);
  private static final Executor COMPLETIONS = ForkJoinPool.commonPool();

  private final RtmpEndpoint endpoint;
  private final RtmpTargetFactory factory;
  private final List<OutTrack> tracks;
  private final OutTrack[] byId;
  private final boolean hasVideo;
  private final String unsendable;
  private final CompletableFuture<Void> opened = new CompletableFuture<>();
  private final CompletableFuture<Void> closed = new CompletableFuture<>();
  private final AtomicBoolean openStarted = new AtomicBoolean();
  private final AtomicBoolean openSettled = new AtomicBoolean();
  private final AtomicBoolean closedSettled = new AtomicBoolean();
  private final AtomicBoolean closeRequested = new AtomicBoolean();
  private final OutboundByteCounter bytesOut = new OutboundByteCounter();
  private final PublishHandler handler;

  private volatile Channel channel;
  private volatile ChannelFuture connectFuture;
  private volatile boolean publishing;
  private volatile long streamId;
  private volatile String failure;
  private volatile Throwable failureCause;
  private volatile ScheduledFuture<?> openTimeout;

  // Touched by send() only (one caller at a time).
  private boolean awaitingKeyframe = true;
  private boolean dropping;
  private long droppedInEpisode;
  private volatile long droppedTotal;
  private long blockedSinceNanos = -1;
  private long baseMillis = Long.MIN_VALUE;

  RtmpPushTarget(RtmpTargetFactory factory, RtmpEndpoint endpoint, List<Track> specTracks) {
    this.factory = factory;
    this.endpoint = endpoint;
    List<OutTrack> chosen = new ArrayList<>();
    StringBuilder skipped = new StringBuilder();
    boolean video = false;
    boolean audio = false;
    int maxId = 0;
    for (Track track : specTracks) {
      StringBuilder why = new StringBuilder();
      OutTrack out = OutTrack.of(track, why).orElse(null);
      if (out != null && (out.isVideo() ? video : audio)) {
        why.append("RTMP carries one ").append(out.isVideo() ? "video" : "audio")
            .append(" track; track ").append(track.id()).append(" is left out");
        out = null;
      }
      if (out == null) {
        skipped.append(skipped.length() == 0 ? "" : "; ").append(why);
        continue;
      }
      video |= out.isVideo();
      audio |= !out.isVideo();
      chosen.add(out);
      maxId = Math.max(maxId, track.id());
    }
    this.tracks = List.copyOf(chosen);
    this.byId = new OutTrack[maxId + 1];
    for (OutTrack t : tracks) {
      if (t.id() >= 0) {
        byId[t.id()] = t;
      }
    }
    this.hasVideo = video;
    this.unsendable = skipped.toString();
    List<String> fourCcs = new ArrayList<>();
    for (OutTrack t : tracks) {
      if (t.isVideo() && t.video() != dev.kiln.rtmp.protocol.flv.VideoCodec.AVC) {
        fourCcs.add(fourCcName(t));
      }
    }
    this.handler = new PublishHandler(this, endpoint, fourCcs);
  }

  @Override
  public CompletableFuture<Void> open() {
    if (!openStarted.compareAndSet(false, true)) {
      return opened;
    }
    if (closeRequested.get()) {
      fail("the push was closed before it connected", null);
      settle();
      return opened;
    }
    if (tracks.isEmpty()) {
      fail("nothing to send over RTMP: " + (unsendable.isEmpty() ? "no tracks" : unsendable), null);
      settle();
      return opened;
    }
    if (!unsendable.isEmpty()) {
      LOG.warn("push to {}: {}", endpoint.describe(), unsendable);
    }
    long timeoutMillis = factory.openTimeout().toMillis();
    openTimeout = factory.group().next().schedule(() -> {
      fail("no answer from " + endpoint.address() + " within " + timeoutMillis / 1000.0
          + " s (waiting for " + waitingFor() + ")", null);
      Channel ch = channel;
      if (ch != null) {
        ch.close();
      }
      settle();
    }, timeoutMillis, TimeUnit.MILLISECONDS);
    resolveThenConnect();
    return opened;
  }

  private String waitingFor() {
    return channel == null ? "the host name to resolve or the TCP connection"
        : handler.stage().waitingFor;
  }

  private void resolveThenConnect() {
    try {
      factory.resolver().execute(() -> {
        InetAddress address;
        try {
          address = InetAddress.getByName(endpoint.host());
        } catch (IOException e) {
          fail(RtmpFailures.describe(endpoint, PublishHandler.Stage.HANDSHAKE, e), e);
          settle();
          return;
        }
        connect(new InetSocketAddress(address, endpoint.port()));
      });
    } catch (RuntimeException rejected) {
      fail("cannot resolve host " + endpoint.host() + ": " + rejected.getMessage(), rejected);
      settle();
    }
  }

  private void connect(InetSocketAddress address) {
    if (openSettled.get()) {
      return; // timed out or closed while resolving
    }
    SslContext ssl = null;
    if (endpoint.tls()) {
      try {
        ssl = factory.sslContext();
      } catch (IOException e) {
        fail(e.getMessage(), e);
        settle();
        return;
      }
    }
    SslContext tlsContext = ssl;
    Bootstrap bootstrap = new Bootstrap()
        .group(factory.group())
        .channel(factory.socketChannelClass())
        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) factory.openTimeout().toMillis())
        .option(ChannelOption.TCP_NODELAY, true)
        .option(ChannelOption.WRITE_BUFFER_WATER_MARK, WATER_MARK)
        .handler(new ChannelInitializer<Channel>() {
          @Override
          protected void initChannel(Channel ch) throws Exception {
            configure(ch, tlsContext);
          }
        });
    ChannelFuture connected;
    try {
      connected = bootstrap.connect(address);
    } catch (RuntimeException e) {
      fail("cannot connect to " + endpoint.address() + ": " + e.getMessage(), e);
      settle();
      return;
    }
    Channel ch = connected.channel();
    connectFuture = connected;
    channel = ch;
    connected.addListener(f -> {
      if (!f.isSuccess()) {
        fail(RtmpFailures.describe(endpoint, PublishHandler.Stage.HANDSHAKE, f.cause()),
            f.cause());
        ch.close();
        settle();
      }
    });
    ch.closeFuture().addListener(f -> onChannelClosed());
    if (closeRequested.get() || openSettled.get()) {
      ch.close();
    }
  }

  private void configure(Channel ch, SslContext tlsContext) {
    ChannelPipeline pipeline = ch.pipeline();
    pipeline.addLast("bytes-out", bytesOut);
    if (tlsContext != null) {
      SslHandler tls = tlsContext.newHandler(ch.alloc(), endpoint.host(), endpoint.port());
      tls.handshakeFuture().addListener(f -> {
        if (!f.isSuccess()) {
          fail(RtmpFailures.describe(endpoint, PublishHandler.Stage.HANDSHAKE, f.cause()),
              f.cause());
          ch.close();
        }
      });
      pipeline.addLast("tls", tls);
    }
    pipeline.addLast("handshake", new ClientHandshakeHandler());
    pipeline.addLast("chunk-encoder", new ChunkSliceEncoder());
    pipeline.addLast("chunk-decoder", new ChunkDecoder(
        ChunkDecoder.DEFAULT_MAX_MESSAGE_SIZE, ClientHandshakeHandler.SERVER_HANDSHAKE_BYTES));
    pipeline.addLast("publish", handler);
  }

  /** Called by the handler on {@code NetStream.Publish.Start}, on the event loop. */
  void publishing(ChannelHandlerContext ctx, long streamId) {
    if (closeRequested.get() || openSettled.get()) {
      handler.unpublishAndClose(ctx);
      return;
    }
    this.streamId = streamId;
    ctx.write(ClientCommands.setDataFrame(ctx.alloc(), streamId, metadata()));
    for (OutTrack t : tracks) {
      byte[] config = t.track().config();
      ByteBuf body = t.isVideo()
          ? FlvTagWriter.videoSequenceHeader(ctx.alloc(), t.video(), config)
          : FlvTagWriter.audioSequenceHeader(ctx.alloc(), t.audio(), config);
      ctx.write(new RtmpMessage(t.isVideo() ? MessageType.VIDEO : MessageType.AUDIO,
          streamId, 0, body));
    }
    ctx.flush();
    publishing = true;
    ScheduledFuture<?> timeout = openTimeout;
    if (timeout != null) {
      timeout.cancel(false);
    }
    if (openSettled.compareAndSet(false, true)) {
      LOG.info("push to {}: publishing '{}' ({})", endpoint.describe(),
          endpoint.streamName(), tracks.stream().map(OutTrack::track).toList());
      COMPLETIONS.execute(() -> opened.complete(null));
    }
  }

  private Map<String, Object> metadata() {
    Map<String, Object> meta = new LinkedHashMap<>();
    for (OutTrack t : tracks) {
      Track track = t.track();
      if (t.isVideo()) {
        if (track.width() > 0 && track.height() > 0) {
          meta.put("width", (double) track.width());
          meta.put("height", (double) track.height());
        }
        meta.put("videocodecid", FlvTagWriter.videoCodecId(t.video()));
      } else {
        meta.put("audiocodecid", FlvTagWriter.audioCodecId(t.audio()));
        if (track.sampleRate() > 0) {
          meta.put("audiosamplerate", (double) track.sampleRate());
        }
        meta.put("audiosamplesize", 16.0);
        if (track.channels() > 0) {
          meta.put("stereo", track.channels() > 1);
          meta.put("audiochannels", (double) track.channels());
        }
      }
    }
    meta.put("encoder", "Kiln");
    return meta;
  }

  @Override
  public void send(MediaPacket packet) {
    OutTrack track = packet.trackId() >= 0 && packet.trackId() < byId.length
        ? byId[packet.trackId()] : null;
    Channel ch = channel;
    if (track == null || !publishing || closeRequested.get() || ch == null) {
      return;
    }
    if (!ch.isWritable()) {
      onBlocked(ch);
      return;
    }
    blockedSinceNanos = -1;
    boolean startsHere = !hasVideo || (track.isVideo() && packet.keyframe());
    if (awaitingKeyframe) {
      if (!startsHere) {
        droppedWhileWaiting();
        return;
      }
      awaitingKeyframe = false;
      if (dropping) {
        dropping = false;
        LOG.info("push to {}: sending again after dropping {} packets", endpoint.describe(),
            droppedInEpisode);
      }
    }
    long dtsMillis = track.toMillis(packet.dts());
    long ptsMillis = track.toMillis(packet.pts());
    if (baseMillis == Long.MIN_VALUE) {
      baseMillis = dtsMillis;
    }
    long timestamp = dtsMillis - baseMillis;
    if (timestamp < 0) {
      return; // from before the first key frame sent (audio a little ahead of the video)
    }
    write(ch, track, packet, timestamp, ptsMillis - dtsMillis);
  }

  private void droppedWhileWaiting() {
    if (dropping) {
      droppedInEpisode++;
      droppedTotal++;
    }
  }

  private void onBlocked(Channel ch) {
    long now = System.nanoTime();
    if (blockedSinceNanos < 0) {
      blockedSinceNanos = now;
    }
    if (!dropping) {
      dropping = true;
      droppedInEpisode = 0;
      LOG.warn("push to {}: the target does not keep up; dropping packets up to the next key"
          + " frame", endpoint.describe());
    }
    awaitingKeyframe = true;
    droppedInEpisode++;
    droppedTotal++;
    long stallNanos = factory.stallTimeout().toNanos();
    if (now - blockedSinceNanos > stallNanos) {
      fail(endpoint.address() + " accepted no data for "
          + factory.stallTimeout().toSeconds() + " s", null);
      ch.close();
    }
  }

  private void write(Channel ch, OutTrack track, MediaPacket packet, long timestamp, long cts) {
    Payload payload = packet.payload();
    ByteBuf header = ch.alloc().buffer(FlvTagWriter.MAX_VIDEO_HEADER);
    if (track.isVideo()) {
      int compositionTime = (int) Math.max(-0x800000, Math.min(0x7FFFFF, cts));
      FlvTagWriter.writeVideoFrameHeader(header, track.video(), packet.keyframe(), compositionTime);
    } else {
      FlvTagWriter.writeAudioFrameHeader(header, track.audio());
    }
    payload.retain();
    CompositeByteBuf body = ch.alloc().compositeBuffer(2)
        .addComponents(true, header, Unpooled.wrappedBuffer(payload.view()));
    RtmpMessage message = new RtmpMessage(track.isVideo() ? MessageType.VIDEO : MessageType.AUDIO,
        streamId, timestamp & 0xFFFFFFFFL, body);
    ch.writeAndFlush(message).addListener(f -> payload.release());
  }

  /** Packets dropped because the connection was backed up (not counting the start). */
  public long droppedPackets() {
    return droppedTotal;
  }

  @Override
  public long sentBytes() {
    return bytesOut.total();
  }

  @Override
  public CompletableFuture<Void> closed() {
    return closed;
  }

  @Override
  public void close() {
    if (!closeRequested.compareAndSet(false, true)) {
      return;
    }
    Channel ch = channel;
    if (ch == null) {
      fail("the push was closed before it connected", null);
      settle();
      return;
    }
    ch.eventLoop().execute(() -> {
      ChannelHandlerContext ctx = ch.pipeline().context(handler);
      if (ctx == null) {
        ch.close();
      } else {
        handler.unpublishAndClose(ctx);
      }
    });
  }

  /** Records the first failure; later ones are consequences. */
  void fail(String reason, Throwable cause) {
    synchronized (this) {
      if (failure == null) {
        failure = reason;
        failureCause = cause;
      }
    }
  }

  private IOException failureException() {
    String reason = failure;
    IOException e = new IOException(reason != null ? reason
        : "connection to " + endpoint.address() + " closed");
    Throwable cause = failureCause;
    if (cause != null) {
      e.initCause(cause);
    }
    return e;
  }

  /**
   * Settles whatever is not settled yet: open() fails with the recorded failure; closed()
   * completes normally when close() was called, else fails with it.
   */
  private void settle() {
    IOException e = failureException();
    ScheduledFuture<?> timeout = openTimeout;
    if (timeout != null) {
      timeout.cancel(false);
    }
    boolean settleOpen = openSettled.compareAndSet(false, true);
    boolean settleClosed = closedSettled.compareAndSet(false, true);
    boolean normal = closeRequested.get();
    if (settleOpen && openStarted.get() && !normal) {
      LOG.info("push to {}: {}", endpoint.describe(), e.getMessage());
    } else if (settleClosed && !normal) {
      LOG.warn("push to {}: {}", endpoint.describe(), e.getMessage());
    } else if (settleClosed) {
      LOG.info("push to {}: closed after {} bytes{}", endpoint.describe(), sentBytes(),
          droppedTotal > 0 ? ", " + droppedTotal + " packets dropped" : "");
    }
    if (settleOpen || settleClosed) {
      COMPLETIONS.execute(() -> {
        if (settleOpen) {
          opened.completeExceptionally(e);
        }
        if (settleClosed) {
          if (normal) {
            closed.complete(null);
          } else {
            closed.completeExceptionally(e);
          }
        }
      });
    }
  }

  private void onChannelClosed() {
    publishing = false;
    ChannelFuture connecting = connectFuture;
    if (connecting != null && connecting.isDone() && !connecting.isSuccess()) {
      // The connect listener may not have run yet: its cause says more than "closed".
      fail(RtmpFailures.describe(endpoint, PublishHandler.Stage.HANDSHAKE, connecting.cause()),
          connecting.cause());
    }
    if (!openSettled.get()) {
      fail(closeRequested.get() ? "the push was closed before the target accepted it"
          : "connection closed by " + endpoint.address() + " while waiting for "
              + handler.stage().waitingFor, null);
    } else if (!closeRequested.get()) {
      fail("connection closed by " + endpoint.address(), null);
    }
    settle();
  }

  private static String fourCcName(OutTrack t) {
    return switch (t.video()) {
      case HEVC -> "hvc1";
      case AV1 -> "av01";
      case VP9 -> "vp09";
      default -> "avc1";
    };
  }
}

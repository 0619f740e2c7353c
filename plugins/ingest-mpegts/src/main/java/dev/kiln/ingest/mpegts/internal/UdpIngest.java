package dev.kiln.ingest.mpegts.internal;

import dev.kiln.api.server.MpegTsInput;
import dev.kiln.api.stream.StreamRegistry;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.socket.DatagramChannel;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Binds one UDP socket per configured port on the host's event loops, each with its own
 * {@link UdpStreamPort}. A port that cannot be bound is logged and skipped; the others work.
 */
final class UdpIngest implements AutoCloseable {
  /** Largest datagram read whole (UDP's limit). */
  static final int MAX_DATAGRAM = 65535;
  /** Socket receive buffer asked for: room for bursts of key frames. */
  static final int RECEIVE_BUFFER = 4 << 20;

  private static final Logger LOG = LoggerFactory.getLogger(UdpIngest.class);

  private final EventLoopGroup group;
  private final Class<? extends DatagramChannel> channelType;
  private final String bindAddress;
  private final List<Channel> channels = new ArrayList<>();

  UdpIngest(EventLoopGroup group, Class<? extends DatagramChannel> channelType, String bindAddress) {
    this.group = group;
    this.channelType = channelType;
    this.bindAddress = bindAddress;
  }

  /** Binds every input's port; blocks, so never call it on an event loop. */
  void start(List<MpegTsInput> inputs, StreamRegistry registry, int timeoutSeconds, LongSupplier clock) {
    for (MpegTsInput input : inputs) {
      Bootstrap bootstrap = new Bootstrap()
          .group(group)
          .channel(channelType)
          .option(ChannelOption.SO_RCVBUF, RECEIVE_BUFFER)
          .option(ChannelOption.RCVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(MAX_DATAGRAM))
          .handler(new UdpStreamPort(registry, input, timeoutSeconds, clock));
      ChannelFuture bound = bootstrap.bind(new InetSocketAddress(bindAddress, input.port()));
      if (!bound.awaitUninterruptibly(10, TimeUnit.SECONDS) || !bound.isSuccess()) {
        LOG.error("MPEG-TS: cannot listen on UDP {}:{} for {}: {}", bindAddress, input.port(),
            input.key(), bound.cause() != null ? bound.cause().toString() : "timed out");
        bound.channel().close();
        continue;
      }
      synchronized (channels) {
        channels.add(bound.channel());
      }
    }
    if (!inputs.isEmpty()) {
      LOG.info("MPEG-TS ingest listening on UDP {} port(s) {}", bindAddress, describe(inputs));
    }
  }

  /** Closes every socket; their streams end. Blocks briefly. */
  @Override
  public void close() {
    List<Channel> copy;
    synchronized (channels) {
      copy = new ArrayList<>(channels);
      channels.clear();
    }
    for (Channel c : copy) {
      c.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
    }
  }

  private static String describe(List<MpegTsInput> inputs) {
    StringBuilder out = new StringBuilder();
    for (MpegTsInput i : inputs) {
      if (out.length() > 0) {
        out.append(", ");
      }
      out.append(i.port()).append(" -> ").append(i.key());
      if (out.length() > 300) {
        out.append(", …");
        break;
      }
    }
    return out.toString();
  }
}

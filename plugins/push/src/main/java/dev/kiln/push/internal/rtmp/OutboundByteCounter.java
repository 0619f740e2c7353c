package dev.kiln.push.internal.rtmp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufHolder;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Counts the bytes a connection wrote to its socket (after TLS, handshake and chunk headers
 * included), once each write has completed. Sits at the head of the pipeline.
 */
final class OutboundByteCounter extends ChannelOutboundHandlerAdapter {
  private final AtomicLong total = new AtomicLong();

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
    long bytes = msg instanceof ByteBuf buf ? buf.readableBytes()
        : msg instanceof ByteBufHolder holder ? holder.content().readableBytes() : 0;
    if (bytes == 0) {
      ctx.write(msg, promise);
      return;
    }
    ChannelPromise counted = promise.unvoid();
    counted.addListener(f -> {
      if (f.isSuccess()) {
        total.addAndGet(bytes);
      }
    });
    ctx.write(msg, counted);
  }

  /** Bytes written so far; safe to read from any thread. */
  long total() {
    return total.get();
  }
}

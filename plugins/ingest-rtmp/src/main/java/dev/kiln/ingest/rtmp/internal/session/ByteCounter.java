package dev.kiln.ingest.rtmp.internal.session;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/**
 * Counts the bytes a connection receives, as read from the socket (handshake and chunk headers
 * included). Sits at the head of the pipeline; one instance per connection.
 */
final class ByteCounter extends ChannelInboundHandlerAdapter {
  private long total;

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof ByteBuf buf) {
      total += buf.readableBytes();
    }
    ctx.fireChannelRead(msg);
  }

  /** Bytes received so far; read it on the connection's event loop. */
  long total() {
    return total;
  }
}

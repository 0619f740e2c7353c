package dev.kiln.rtmp.protocol.handshake;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.List;

/**
 * Runs the client side of the plain handshake: sends C0 and C1 as soon as the connection is
 * up, reads S0, S1 and S2, answers with C2, then removes itself so the bytes that follow reach
 * the chunk decoder. Fires {@link HandshakeHandler.HandshakeCompleted} once C2 is written.
 *
 * <p>The plain form is what nginx-rtmp, YouTube, Twitch, ffmpeg's listener and Kiln accept
 * from a publisher. S2 is read but not checked (servers fill it in different ways). An S0
 * other than version 3 fails with a {@link HandshakeHandler.HandshakeException}.
 */
public final class ClientHandshakeHandler extends ByteToMessageDecoder {
  /** S0 + S1 + S2. */
  public static final int SERVER_HANDSHAKE_BYTES = 1 + 2 * Handshake.PACKET_SIZE;

  private boolean sent;
  private boolean failed;

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    if (ctx.channel().isActive()) {
      sendC0C1(ctx);
    }
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) throws Exception {
    sendC0C1(ctx);
    super.channelActive(ctx);
  }

  private void sendC0C1(ChannelHandlerContext ctx) {
    if (sent) {
      return;
    }
    sent = true;
    ByteBuf c0c1 = ctx.alloc().buffer(1 + Handshake.PACKET_SIZE);
    c0c1.writeByte(Handshake.RTMP_VERSION).writeBytes(Handshake.clientC1());
    ctx.writeAndFlush(c0c1);
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
    if (failed) {
      in.skipBytes(in.readableBytes());
      return;
    }
    if (!in.isReadable()) {
      return;
    }
    int version = in.getUnsignedByte(in.readerIndex());
    if (version != Handshake.RTMP_VERSION) {
      failed = true;
      in.skipBytes(in.readableBytes());
      throw new HandshakeHandler.HandshakeException(
          "the server did not answer with an RTMP handshake (version byte 0x"
              + Integer.toHexString(version) + ")");
    }
    if (in.readableBytes() < SERVER_HANDSHAKE_BYTES) {
      return;
    }
    in.skipBytes(1);
    byte[] s1 = new byte[Handshake.PACKET_SIZE];
    in.readBytes(s1);
    in.skipBytes(Handshake.PACKET_SIZE); // S2
    ctx.writeAndFlush(ctx.alloc().buffer(Handshake.PACKET_SIZE).writeBytes(Handshake.clientC2(s1)));
    ctx.fireUserEventTriggered(HandshakeHandler.HandshakeCompleted.INSTANCE);
    ctx.pipeline().remove(this); // what is left in the buffer goes on to the next handler
  }
}

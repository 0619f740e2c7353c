package dev.kiln.rtmp.protocol.handshake;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.DecoderException;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the server side of the handshake, then removes itself so the bytes that follow reach
 * the chunk decoder. Fires {@link HandshakeCompleted} once C2 has arrived.
 *
 * <p>C2 is read but not checked: clients fill it in too many different ways for a check to
 * help. A version byte other than 3 fails with a {@link HandshakeException}.
 */
public final class HandshakeHandler extends ByteToMessageDecoder {
  /** C0 + C1 + C2. */
  public static final int CLIENT_HANDSHAKE_BYTES = 1 + 2 * Handshake.PACKET_SIZE;

  private static final Logger LOG = LoggerFactory.getLogger(HandshakeHandler.class);

  private boolean awaitingC2;
  private boolean failed;

  /** The user event fired when the handshake is over. */
  public enum HandshakeCompleted {
    INSTANCE
  }

  /** The peer did not speak the RTMP handshake. */
  public static final class HandshakeException extends DecoderException {
    private static final long serialVersionUID = 1L;

    public HandshakeException(String message) {
      super(message);
    }
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
    if (failed) {
      in.skipBytes(in.readableBytes());
      return;
    }
    if (!awaitingC2) {
      if (!in.isReadable()) {
        return;
      }
      int version = in.getUnsignedByte(in.readerIndex());
      if (version != Handshake.RTMP_VERSION) {
        failed = true;
        in.skipBytes(in.readableBytes());
        throw new HandshakeException(version == 6 || version == 8
            ? "encrypted RTMP (RTMPE, version byte " + version + ") is not supported"
            : "not an RTMP handshake (version byte 0x" + Integer.toHexString(version) + ")");
      }
      if (in.readableBytes() < 1 + Handshake.PACKET_SIZE) {
        return;
      }
      in.skipBytes(1);
      byte[] c1 = new byte[Handshake.PACKET_SIZE];
      in.readBytes(c1);
      Handshake.Response response = Handshake.respond(c1);
      LOG.debug("{}: C1 {}", ctx.channel().remoteAddress(),
          response.usesDigest() ? "with digest (" + response.scheme() + ")" : "plain");
      ByteBuf s0s1s2 = ctx.alloc().buffer(1 + 2 * Handshake.PACKET_SIZE);
      s0s1s2.writeByte(Handshake.RTMP_VERSION).writeBytes(response.s1()).writeBytes(response.s2());
      ctx.writeAndFlush(s0s1s2);
      awaitingC2 = true;
    }
    if (in.readableBytes() < Handshake.PACKET_SIZE) {
      return;
    }
    in.skipBytes(Handshake.PACKET_SIZE);
    ctx.fireUserEventTriggered(HandshakeCompleted.INSTANCE);
    ctx.pipeline().remove(this); // what is left in the buffer goes on to the next handler
  }
}

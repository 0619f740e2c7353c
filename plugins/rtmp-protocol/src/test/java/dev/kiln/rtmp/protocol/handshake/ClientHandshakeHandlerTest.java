package dev.kiln.rtmp.protocol.handshake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ClientHandshakeHandlerTest {

  @Test
  void completesAgainstKilnsServerHandshakeAndPassesOnWhatFollows() {
    List<Object> clientSaw = new ArrayList<>();
    List<Object> serverSaw = new ArrayList<>();
    EmbeddedChannel client = new EmbeddedChannel(new ClientHandshakeHandler(), recorder(clientSaw));
    EmbeddedChannel server = new EmbeddedChannel(new HandshakeHandler(), recorder(serverSaw));

    ByteBuf c0c1 = client.readOutbound();
    assertThat(c0c1.readableBytes()).isEqualTo(1 + Handshake.PACKET_SIZE);
    assertThat(c0c1.getByte(0)).isEqualTo((byte) 3);
    assertThat(ByteBufUtil.getBytes(c0c1, 5, 4)).containsOnly(0); // plain form
    server.writeInbound(c0c1);

    ByteBuf s0s1s2 = server.readOutbound();
    // The server's first chunk arrives in the same read as S2.
    client.writeInbound(Unpooled.wrappedBuffer(s0s1s2, Unpooled.wrappedBuffer(new byte[] {42})));
    assertThat(clientSaw).containsExactly(HandshakeHandler.HandshakeCompleted.INSTANCE,
        Unpooled.wrappedBuffer(new byte[] {42}));
    assertThat(client.pipeline().get(ClientHandshakeHandler.class)).isNull();

    ByteBuf c2 = client.readOutbound();
    assertThat(c2.readableBytes()).isEqualTo(Handshake.PACKET_SIZE);
    server.writeInbound(c2);
    assertThat(serverSaw).containsExactly(HandshakeHandler.HandshakeCompleted.INSTANCE);
    clientSaw.forEach(o -> io.netty.util.ReferenceCountUtil.release(o));
    client.finishAndReleaseAll();
    server.finishAndReleaseAll();
  }

  @Test
  void aServerThatIsNotRtmpFails() {
    EmbeddedChannel client = new EmbeddedChannel(new ClientHandshakeHandler());
    ((ByteBuf) client.readOutbound()).release();
    assertThatThrownBy(() -> client.writeInbound(Unpooled.copiedBuffer(new byte[] {'H', 'T'})))
        .isInstanceOf(HandshakeHandler.HandshakeException.class)
        .hasMessageContaining("0x48");
    client.finishAndReleaseAll();
  }

  @Test
  void c2EchoesS1() {
    byte[] s1 = Handshake.clientC1();
    assertThat(Handshake.clientC2(s1)).isEqualTo(s1).isNotSameAs(s1);
    assertThat(Handshake.findClientDigest(Handshake.clientC1())).isNull();
  }

  private static ChannelInboundHandlerAdapter recorder(List<Object> seen) {
    return new ChannelInboundHandlerAdapter() {
      @Override
      public void channelRead(ChannelHandlerContext ctx, Object msg) {
        seen.add(msg);
      }

      @Override
      public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        seen.add(evt);
      }
    };
  }
}

package dev.kiln.rtmp.protocol.handshake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class HandshakeTest {
  // Written out here independently of Handshake's constants, from the published key text.
  private static final byte[] TAIL = {
      (byte) 0xF0, (byte) 0xEE, (byte) 0xC2, 0x4A, (byte) 0x80, 0x68, (byte) 0xBE, (byte) 0xE8,
      0x2E, 0x00, (byte) 0xD0, (byte) 0xD1, 0x02, (byte) 0x9E, 0x7E, 0x57, 0x6E, (byte) 0xEC,
      0x5D, 0x2D, 0x29, (byte) 0x80, 0x6F, (byte) 0xAB, (byte) 0x93, (byte) 0xB8, (byte) 0xE6,
      0x36, (byte) 0xCF, (byte) 0xEB, 0x31, (byte) 0xAE};
  private static final byte[] PLAYER_TEXT =
      "Genuine Adobe Flash Player 001".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] SERVER_TEXT =
      "Genuine Adobe Flash Media Server 001".getBytes(StandardCharsets.US_ASCII);

  @ParameterizedTest
  @EnumSource(Handshake.DigestScheme.class)
  void digestC1IsRecognisedAndAnsweredWithAVerifiableS1AndS2(Handshake.DigestScheme scheme)
      throws Exception {
    byte[] c1 = clientC1(scheme, new Random(scheme.ordinal()));
    assertThat(Handshake.findClientDigest(c1)).isEqualTo(scheme);

    Handshake.Response response = Handshake.respond(c1);
    assertThat(response.usesDigest()).isTrue();

    // What a verifying client (librtmp's digest mode, ffmpeg when playing) checks:
    // 1. S1 carries a digest keyed with the server key text, at the same scheme's offset.
    byte[] s1 = response.s1();
    int s1At = offset(s1, scheme);
    byte[] s1Expected = hmac(SERVER_TEXT, concatWithout(s1, s1At));
    assertThat(Arrays.copyOfRange(s1, s1At, s1At + 32)).isEqualTo(s1Expected);
    assertThat(Arrays.copyOfRange(s1, 4, 8)).isNotEqualTo(new byte[4]);
    // 2. S2 ends with HMAC(HMAC(full server key, C1 digest), first 1504 bytes of S2).
    int c1At = offset(c1, scheme);
    byte[] key = hmac(concat(SERVER_TEXT, TAIL), Arrays.copyOfRange(c1, c1At, c1At + 32));
    byte[] s2 = response.s2();
    assertThat(Arrays.copyOfRange(s2, 1504, 1536)).isEqualTo(hmac(key, Arrays.copyOf(s2, 1504)));
  }

  @Test
  void plainC1IsEchoedAsS2() {
    byte[] c1 = new byte[1536];
    new Random(1).nextBytes(c1);
    Arrays.fill(c1, 4, 8, (byte) 0);
    Handshake.Response response = Handshake.respond(c1);
    assertThat(response.usesDigest()).isFalse();
    assertThat(response.s2()).isEqualTo(c1);
    assertThat(Arrays.copyOfRange(response.s1(), 4, 8)).isEqualTo(new byte[4]);
  }

  @Test
  void nonZeroVersionWithoutAValidDigestFallsBackToPlain() {
    byte[] c1 = new byte[1536];
    new Random(2).nextBytes(c1);
    c1[4] = 9;
    assertThat(Handshake.findClientDigest(c1)).isNull();
    assertThat(Handshake.respond(c1).s2()).isEqualTo(c1);

    // A digest computed with the wrong key is not accepted either.
    byte[] forged = clientC1(Handshake.DigestScheme.OFFSET_AT_8, new Random(3));
    forged[offset(forged, Handshake.DigestScheme.OFFSET_AT_8)] ^= 1;
    assertThat(Handshake.findClientDigest(forged)).isNull();
  }

  @Test
  void handlerAnswersC0C1ThenPassesOnWhatFollowsC2() {
    List<Object> events = new ArrayList<>();
    List<ByteBuf> after = new ArrayList<>();
    EmbeddedChannel channel = new EmbeddedChannel(new HandshakeHandler(),
        new ChannelInboundHandlerAdapter() {
          @Override
          public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            events.add(evt);
          }

          @Override
          public void channelRead(ChannelHandlerContext ctx, Object msg) {
            after.add((ByteBuf) msg);
          }
        });
    try {
      byte[] c1 = clientC1(Handshake.DigestScheme.OFFSET_AT_8, new Random(4));
      ByteBuf c0c1 = Unpooled.buffer().writeByte(3).writeBytes(c1);
      channel.writeInbound(c0c1.readRetainedSlice(700)); // arrives in two reads
      assertThat((Object) channel.readOutbound()).isNull();
      channel.writeInbound(c0c1);
      ByteBuf s0s1s2 = channel.readOutbound();
      assertThat(s0s1s2.readableBytes()).isEqualTo(3073);
      assertThat(s0s1s2.getByte(0)).isEqualTo((byte) 3);
      s0s1s2.release();

      ByteBuf c2AndMore = Unpooled.buffer().writeBytes(new byte[1536]).writeBytes(new byte[] {7, 8, 9});
      channel.writeInbound(c2AndMore);
      assertThat(events).containsExactly(HandshakeHandler.HandshakeCompleted.INSTANCE);
      assertThat(channel.pipeline().get(HandshakeHandler.class)).isNull();
      assertThat(after).hasSize(1);
      assertThat(ByteBufUtil.getBytes(after.get(0))).containsExactly(7, 8, 9);
    } finally {
      after.forEach(ByteBuf::release);
      channel.finishAndReleaseAll();
    }
  }

  @Test
  void wrongVersionByteOrGarbageFailsAtOnce() {
    for (byte[] garbage : new byte[][] {
        "GET / HTTP/1.1\r\n".getBytes(StandardCharsets.US_ASCII), {6}, {0}}) {
      EmbeddedChannel channel = new EmbeddedChannel(new HandshakeHandler());
      try {
        assertThatThrownBy(() -> channel.writeInbound(Unpooled.wrappedBuffer(garbage)))
            .isInstanceOf(HandshakeHandler.HandshakeException.class);
        assertThat((Object) channel.readOutbound()).isNull();
        channel.writeInbound(Unpooled.wrappedBuffer(new byte[] {3, 3, 3})); // ignored now
      } finally {
        channel.finishAndReleaseAll();
      }
    }
  }

  /** A C1 as a digest-handshake client builds it: time, version, random, digest. */
  static byte[] clientC1(Handshake.DigestScheme scheme, Random random) {
    byte[] c1 = new byte[1536];
    random.nextBytes(c1);
    c1[0] = c1[1] = c1[2] = c1[3] = 0;
    c1[4] = 10;
    c1[5] = 0;
    c1[6] = 45;
    c1[7] = 2;
    int at = offset(c1, scheme);
    byte[] digest = hmac(PLAYER_TEXT, concatWithout(c1, at));
    System.arraycopy(digest, 0, c1, at, 32);
    return c1;
  }

  private static int offset(byte[] packet, Handshake.DigestScheme scheme) {
    int field = scheme == Handshake.DigestScheme.OFFSET_AT_8 ? 8 : 772;
    int sum = (packet[field] & 0xFF) + (packet[field + 1] & 0xFF) + (packet[field + 2] & 0xFF)
        + (packet[field + 3] & 0xFF);
    return sum % 728 + field + 4;
  }

  private static byte[] concatWithout(byte[] packet, int digestAt) {
    byte[] out = new byte[packet.length - 32];
    System.arraycopy(packet, 0, out, 0, digestAt);
    System.arraycopy(packet, digestAt + 32, out, digestAt, packet.length - digestAt - 32);
    return out;
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  private static byte[] hmac(byte[] key, byte[] data) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return mac.doFinal(data);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }
}

package dev.kiln.rtmp.protocol.chunk;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.rtmp.protocol.message.ControlMessages;
import dev.kiln.rtmp.protocol.message.MessageType;
import dev.kiln.rtmp.protocol.message.RtmpMessage;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ChunkSliceEncoderTest {

  @Test
  void encodesTheSameBytesAsTheCopyingEncoder() {
    EmbeddedChannel slicing = new EmbeddedChannel(new ChunkSliceEncoder());
    EmbeddedChannel copying = new EmbeddedChannel(new ChunkEncoder());
    Random random = new Random(7);
    long[] timestamps = {0, 40, 0xFFFFFE, 0xFFFFFF, 0x1_0000_0000L - 1};
    int[] sizes = {0, 1, 200, 256, 257, 4096, 4097, 100_000};
    for (int chunkSize : new int[] {128, 4096}) {
      slicing.writeOutbound(ControlMessages.setChunkSize(chunkSize));
      copying.writeOutbound(ControlMessages.setChunkSize(chunkSize));
      for (long ts : timestamps) {
        for (int size : sizes) {
          byte[] payload = new byte[size];
          random.nextBytes(payload);
          slicing.writeOutbound(new RtmpMessage(MessageType.VIDEO, 1, ts, Unpooled.wrappedBuffer(payload)));
          copying.writeOutbound(new RtmpMessage(MessageType.VIDEO, 1, ts, Unpooled.wrappedBuffer(payload)));
        }
      }
    }
    assertThat(drain(slicing)).isEqualTo(drain(copying));
    assertThat(slicing.finish()).isFalse();
    copying.finish();
  }

  @Test
  void largePayloadsAreReferencedNotCopiedAndReleasedWithTheOutput() {
    ByteBuf payload = Unpooled.directBuffer(10_000).writeZero(10_000);
    RtmpMessage message = new RtmpMessage(MessageType.VIDEO, 1, 0, payload);
    ByteBuf out = ChunkSliceEncoder.encode(Unpooled.buffer(0).alloc(), message, 4096);
    assertThat(out).isInstanceOf(CompositeByteBuf.class);
    assertThat(payload.refCnt()).isGreaterThan(1);
    payload.setByte(5000, 0x55); // visible through the output: it is the same memory
    assertThat(ByteBufUtil.getBytes(out)).contains((byte) 0x55);
    message.release();
    out.release();
    assertThat(payload.refCnt()).isZero();
  }

  @Test
  void decoderReadsBackWhatItWrites() {
    EmbeddedChannel encoder = new EmbeddedChannel(new ChunkSliceEncoder());
    EmbeddedChannel decoder = new EmbeddedChannel(new ChunkDecoder());
    byte[] payload = new byte[9_000];
    new Random(3).nextBytes(payload);
    encoder.writeOutbound(ControlMessages.setChunkSize(4096));
    encoder.writeOutbound(new RtmpMessage(MessageType.AUDIO, 1, 0x1234_5678L, Unpooled.wrappedBuffer(payload)));
    decoder.writeInbound(Unpooled.wrappedBuffer(drain(encoder)));
    RtmpMessage m = decoder.readInbound();
    try {
      assertThat(decoder.<Object>readInbound()).isNull();
      assertThat(m.typeId()).isEqualTo(MessageType.AUDIO);
      assertThat(m.chunkStreamId()).isEqualTo(4);
      assertThat(m.timestamp()).isEqualTo(0x1234_5678L);
      assertThat(ByteBufUtil.getBytes(m.content())).isEqualTo(payload);
    } finally {
      m.release();
      encoder.finish();
      decoder.finishAndReleaseAll();
    }
  }

  private static byte[] drain(EmbeddedChannel channel) {
    ByteBuf all = Unpooled.buffer();
    for (ByteBuf b; (b = channel.readOutbound()) != null; ) {
      all.writeBytes(b);
      b.release();
    }
    return ByteBufUtil.getBytes(all);
  }
}

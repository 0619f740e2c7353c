package dev.kiln.rtmp.protocol.chunk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.rtmp.protocol.message.MessageType;
import dev.kiln.rtmp.protocol.message.RtmpMessage;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ChunkDecoderTest {
  private EmbeddedChannel channel;

  @AfterEach
  void closeChannel() {
    if (channel != null) {
      channel.finishAndReleaseAll();
    }
  }

  @Test
  void typeZeroHeaderWholeMessageInOneChunk() {
    channel = new EmbeddedChannel(new ChunkDecoder());
    byte[] payload = bytes(100, 1);
    ByteBuf in = Unpooled.buffer();
    header0(in, 3, 1234, payload.length, MessageType.COMMAND_AMF0, 0);
    in.writeBytes(payload);
    channel.writeInbound(in);

    RtmpMessage m = channel.readInbound();
    try {
      assertThat(m.chunkStreamId()).isEqualTo(3);
      assertThat(m.typeId()).isEqualTo(MessageType.COMMAND_AMF0);
      assertThat(m.streamId()).isZero();
      assertThat(m.timestamp()).isEqualTo(1234);
      assertThat(ByteBufUtil.getBytes(m.content())).isEqualTo(payload);
    } finally {
      m.release();
    }
    assertThat((Object) channel.readInbound()).isNull();
  }

  @Test
  void reassemblesAMessageSplitOverTypeThreeChunks() {
    channel = new EmbeddedChannel(new ChunkDecoder());
    byte[] payload = bytes(300, 2);
    ByteBuf in = Unpooled.buffer();
    header0(in, 6, 40, payload.length, MessageType.VIDEO, 1);
    in.writeBytes(payload, 0, 128);
    basic(in, 3, 6);
    in.writeBytes(payload, 128, 128);
    basic(in, 3, 6);
    in.writeBytes(payload, 256, 44);
    channel.writeInbound(in);

    RtmpMessage m = channel.readInbound();
    try {
      assertThat(m.typeId()).isEqualTo(MessageType.VIDEO);
      assertThat(m.streamId()).isEqualTo(1);
      assertThat(m.timestamp()).isEqualTo(40);
      assertThat(ByteBufUtil.getBytes(m.content())).isEqualTo(payload);
    } finally {
      m.release();
    }
  }

  @Test
  void typeOneTwoAndThreeHeadersReuseAndAddDeltas() {
    channel = new EmbeddedChannel(new ChunkDecoder());
    ByteBuf in = Unpooled.buffer();
    header0(in, 4, 1000, 10, MessageType.AUDIO, 1);
    in.writeBytes(bytes(10, 3));
    basic(in, 1, 4); // type 1: delta 20, new length and type
    in.writeMedium(20).writeMedium(12).writeByte(MessageType.AUDIO);
    in.writeBytes(bytes(12, 4));
    basic(in, 2, 4); // type 2: delta 21 only
    in.writeMedium(21);
    in.writeBytes(bytes(12, 5));
    basic(in, 3, 4); // type 3 starting a message: repeats delta 21
    in.writeBytes(bytes(12, 6));
    channel.writeInbound(in);

    List<RtmpMessage> messages = readAll();
    try {
      assertThat(messages).extracting(RtmpMessage::timestamp).containsExactly(1000L, 1020L, 1041L, 1062L);
      assertThat(messages).extracting(m -> m.content().readableBytes()).containsExactly(10, 12, 12, 12);
      assertThat(messages).extracting(RtmpMessage::streamId).containsOnly(1L);
      assertThat(ByteBufUtil.getBytes(messages.get(3).content())).isEqualTo(bytes(12, 6));
    } finally {
      messages.forEach(RtmpMessage::release);
    }
  }

  @Test
  void typeThreeAfterTypeZeroAddsTheTypeZeroTimestampAsDelta() {
    channel = new EmbeddedChannel(new ChunkDecoder());
    ByteBuf in = Unpooled.buffer();
    header0(in, 4, 40, 4, MessageType.AUDIO, 1);
    in.writeInt(1);
    basic(in, 3, 4);
    in.writeInt(2);
    channel.writeInbound(in);
    List<RtmpMessage> messages = readAll();
    try {
      assertThat(messages).extracting(RtmpMessage::timestamp).containsExactly(40L, 80L);
    } finally {
      messages.forEach(RtmpMessage::release);
    }
  }

  @Test
  void extendedTimestampsIncludingOnTypeThreeContinuationChunks() {
    long big = 0x01_00_00_00L + 7; // above 0xFFFFFF: needs the extended field
    byte[] payload = bytes(200, 7);
    for (boolean repeatOnContinuation : new boolean[] {true, false}) {
      channel = new EmbeddedChannel(new ChunkDecoder());
      ByteBuf in = Unpooled.buffer();
      basic(in, 0, 6);
      in.writeMedium(0xFFFFFF).writeMedium(payload.length).writeByte(MessageType.VIDEO).writeIntLE(1);
      in.writeInt((int) big);
      in.writeBytes(payload, 0, 128);
      basic(in, 3, 6);
      if (repeatOnContinuation) {
        in.writeInt((int) big); // as the spec asks; some encoders leave it out
      }
      in.writeBytes(payload, 128, 72);
      // a type 1 header with an extended delta
      basic(in, 1, 6);
      in.writeMedium(0xFFFFFF).writeMedium(3).writeByte(MessageType.VIDEO);
      in.writeInt(0x01_00_00_00);
      in.writeBytes(new byte[] {1, 2, 3});
      channel.writeInbound(in);

      List<RtmpMessage> messages = readAll();
      try {
        assertThat(messages).hasSize(2);
        assertThat(messages.get(0).timestamp()).isEqualTo(big);
        assertThat(ByteBufUtil.getBytes(messages.get(0).content())).isEqualTo(payload);
        assertThat(messages.get(1).timestamp()).isEqualTo(big + 0x01_00_00_00L);
      } finally {
        messages.forEach(RtmpMessage::release);
      }
      channel.finishAndReleaseAll();
    }
    channel = null;
  }

  @Test
  void setChunkSizeTakesEffectForTheNextChunk() {
    ChunkDecoder decoder = new ChunkDecoder();
    channel = new EmbeddedChannel(decoder);
    byte[] payload = bytes(5000, 8);
    ByteBuf in = Unpooled.buffer();
    header0(in, 2, 0, 4, MessageType.SET_CHUNK_SIZE, 0);
    in.writeInt(4096);
    header0(in, 6, 0, payload.length, MessageType.VIDEO, 1);
    in.writeBytes(payload, 0, 4096);
    basic(in, 3, 6);
    in.writeBytes(payload, 4096, 904);
    channel.writeInbound(in);

    assertThat(decoder.chunkSize()).isEqualTo(4096);
    RtmpMessage m = channel.readInbound();
    try {
      assertThat(ByteBufUtil.getBytes(m.content())).isEqualTo(payload);
    } finally {
      m.release();
    }
    assertThat((Object) channel.readInbound()).as("Set Chunk Size is consumed").isNull();
  }

  @Test
  void chunkSizeAtTheLimitIsAcceptedAndAboveOrNonPositiveIsAProtocolError() {
    ChunkDecoder decoder = new ChunkDecoder();
    channel = new EmbeddedChannel(decoder);
    channel.writeInbound(setChunkSize(65536));
    assertThat(decoder.chunkSize()).isEqualTo(65536);

    for (int bad : new int[] {65537, 0, -1, Integer.MIN_VALUE}) {
      EmbeddedChannel ch = new EmbeddedChannel(new ChunkDecoder());
      try {
        assertThatThrownBy(() -> ch.writeInbound(setChunkSize(bad)))
            .isInstanceOf(RtmpProtocolException.class).hasMessageContaining("Set Chunk Size");
        // Once failed, further input is dropped, not decoded.
        ch.writeInbound(setChunkSize(4096));
        assertThat((Object) ch.readInbound()).isNull();
      } finally {
        ch.finishAndReleaseAll();
      }
    }
  }

  @Test
  void abortDropsThePartialMessage() {
    channel = new EmbeddedChannel(new ChunkDecoder());
    ByteBuf in = Unpooled.buffer();
    header0(in, 6, 0, 300, MessageType.VIDEO, 1);
    in.writeBytes(bytes(128, 9));
    header0(in, 2, 0, 4, MessageType.ABORT, 0);
    in.writeInt(6);
    header0(in, 6, 33, 5, MessageType.VIDEO, 1);
    in.writeBytes(bytes(5, 10));
    channel.writeInbound(in);

    List<RtmpMessage> messages = readAll();
    try {
      assertThat(messages).hasSize(1);
      assertThat(messages.get(0).timestamp()).isEqualTo(33);
      assertThat(ByteBufUtil.getBytes(messages.get(0).content())).isEqualTo(bytes(5, 10));
    } finally {
      messages.forEach(RtmpMessage::release);
    }
  }

  @Test
  void messageAboveTheCapIsAProtocolError() {
    channel = new EmbeddedChannel(new ChunkDecoder(1000, 0));
    ByteBuf in = Unpooled.buffer();
    header0(in, 6, 0, 1001, MessageType.VIDEO, 1);
    assertThatThrownBy(() -> channel.writeInbound(in))
        .isInstanceOf(RtmpProtocolException.class).hasMessageContaining("1001 bytes");
  }

  @Test
  void chunkStreamMustStartWithATypeZeroHeader() {
    channel = new EmbeddedChannel(new ChunkDecoder());
    ByteBuf in = Unpooled.buffer();
    basic(in, 1, 5);
    in.writeMedium(0).writeMedium(1).writeByte(MessageType.AUDIO).writeByte(0);
    assertThatThrownBy(() -> channel.writeInbound(in))
        .isInstanceOf(RtmpProtocolException.class).hasMessageContaining("starts with a type 1");
  }

  @Test
  void tooManyChunkStreamsIsAProtocolError() {
    channel = new EmbeddedChannel(new ChunkDecoder());
    ByteBuf in = Unpooled.buffer();
    for (int csid = 3; csid < 3 + ChunkDecoder.MAX_CHUNK_STREAMS + 1; csid++) {
      header0(in, csid, 0, 200, MessageType.VIDEO, 1); // unfinished messages
      in.writeBytes(bytes(128, csid));
    }
    assertThatThrownBy(() -> channel.writeInbound(in))
        .isInstanceOf(RtmpProtocolException.class).hasMessageContaining("chunk streams");
  }

  @Test
  void twoAndThreeByteChunkStreamIds() {
    channel = new EmbeddedChannel(new ChunkDecoder());
    ByteBuf in = Unpooled.buffer();
    header0(in, 64 + 200, 1, 1, MessageType.AUDIO, 1);
    in.writeByte(1);
    header0(in, 64 + 1000, 2, 1, MessageType.AUDIO, 1);
    in.writeByte(2);
    channel.writeInbound(in);
    List<RtmpMessage> messages = readAll();
    try {
      assertThat(messages).extracting(RtmpMessage::chunkStreamId).containsExactly(264, 1064);
    } finally {
      messages.forEach(RtmpMessage::release);
    }
  }

  @Test
  void byteAtATimeInputGivesTheSameMessages() {
    ByteBuf all = Unpooled.buffer();
    header0(all, 2, 0, 4, MessageType.SET_CHUNK_SIZE, 0);
    all.writeInt(100);
    header0(all, 6, 0xFFFFFF + 10, 250, MessageType.VIDEO, 1);
    all.writeBytes(bytes(100, 11));
    basic(all, 3, 6);
    all.writeInt(0xFFFFFF + 10);
    all.writeBytes(bytes(100, 12));
    basic(all, 3, 6);
    all.writeInt(0xFFFFFF + 10);
    all.writeBytes(bytes(50, 13));
    channel = new EmbeddedChannel(new ChunkDecoder());
    while (all.isReadable()) {
      channel.writeInbound(all.readRetainedSlice(1));
    }
    all.release();
    List<RtmpMessage> messages = readAll();
    try {
      assertThat(messages).hasSize(1);
      assertThat(messages.get(0).timestamp()).isEqualTo(0xFFFFFF + 10);
      byte[] expected = new byte[250];
      System.arraycopy(bytes(100, 11), 0, expected, 0, 100);
      System.arraycopy(bytes(100, 12), 0, expected, 100, 100);
      System.arraycopy(bytes(50, 13), 0, expected, 200, 50);
      assertThat(ByteBufUtil.getBytes(messages.get(0).content())).isEqualTo(expected);
    } finally {
      messages.forEach(RtmpMessage::release);
    }
  }

  @Test
  void readsMaySplitTheWireAnywhereEvenInsideHeaders() {
    // Short messages on two chunk streams, extended timestamps and 3-byte chunk stream ids:
    // headers of every length. Every pair of split points up to 24 bytes apart (more than the
    // longest header) makes three reads.
    ByteBuf all = Unpooled.buffer();
    header0(all, 2, 0, 4, MessageType.SET_CHUNK_SIZE, 0);
    all.writeInt(16);
    header0(all, 6, 0xFFFFFF + 10, 20, MessageType.VIDEO, 1);
    all.writeBytes(bytes(16, 21));
    header0(all, 400, 5, 3, MessageType.AUDIO, 1);
    all.writeBytes(bytes(3, 22));
    basic(all, 3, 6);
    all.writeInt(0xFFFFFF + 10);
    all.writeBytes(bytes(4, 23));
    basic(all, 2, 400);
    all.writeMedium(7);
    all.writeBytes(bytes(3, 24));
    byte[] video = new byte[20];
    System.arraycopy(bytes(16, 21), 0, video, 0, 16);
    System.arraycopy(bytes(4, 23), 0, video, 16, 4);
    int length = all.readableBytes();
    for (int first = 0; first <= length; first++) {
      for (int second = first; second <= Math.min(length, first + 24); second++) {
        channel = new EmbeddedChannel(new ChunkDecoder());
        channel.writeInbound(all.retainedSlice(0, first));
        channel.writeInbound(all.retainedSlice(first, second - first));
        channel.writeInbound(all.retainedSlice(second, length - second));
        List<RtmpMessage> messages = readAll();
        try {
          String reads = "reads split at " + first + " and " + second;
          assertThat(messages).as(reads).hasSize(3);
          assertThat(ByteBufUtil.getBytes(messages.get(0).content())).as(reads).isEqualTo(bytes(3, 22));
          assertThat(ByteBufUtil.getBytes(messages.get(1).content())).as(reads).isEqualTo(video);
          assertThat(messages.get(1).timestamp()).as(reads).isEqualTo(0xFFFFFF + 10);
          assertThat(messages.get(2).chunkStreamId()).as(reads).isEqualTo(400);
          assertThat(messages.get(2).timestamp()).as(reads).isEqualTo(12);
          assertThat(ByteBufUtil.getBytes(messages.get(2).content())).as(reads).isEqualTo(bytes(3, 24));
        } finally {
          messages.forEach(RtmpMessage::release);
          channel.finishAndReleaseAll();
          channel = null;
        }
      }
    }
    all.release();
  }

  @Test
  void acknowledgesEachWindowOfBytes() {
    ChunkDecoder decoder = new ChunkDecoder(ChunkDecoder.DEFAULT_MAX_MESSAGE_SIZE, 3073);
    channel = new EmbeddedChannel(decoder);
    ByteBuf in = Unpooled.buffer();
    header0(in, 2, 0, 4, MessageType.WINDOW_ACK_SIZE, 0);
    in.writeInt(5000);
    channel.writeInbound(in); // 16 bytes: 3089 so far
    assertThat((Object) channel.readOutbound()).isNull();

    ByteBuf media = Unpooled.buffer();
    header0(media, 4, 0, 2000, MessageType.AUDIO, 1);
    media.writeBytes(bytes(128, 1)); // the rest comes in the next read
    channel.writeInbound(media.copy(0, media.readableBytes()));
    media.release();
    assertThat((Object) channel.readOutbound()).isNull();

    ByteBuf more = Unpooled.buffer();
    for (int i = 0; i < 15; i++) {
      basic(more, 3, 4);
      more.writeBytes(bytes(Math.min(128, 2000 - 128 * (i + 1)), 2));
    }
    channel.writeInbound(more);
    RtmpMessage ack = channel.readOutbound();
    try {
      assertThat(ack.typeId()).isEqualTo(MessageType.ACKNOWLEDGEMENT);
      assertThat(ack.content().getUnsignedInt(0)).isEqualTo(decoder.bytesReceived());
      assertThat(decoder.bytesReceived()).isGreaterThanOrEqualTo(5000);
    } finally {
      ack.release();
    }
    readAll().forEach(RtmpMessage::release);
  }

  @Test
  void encoderOutputDecodesBackAtAnyChunkSize() {
    Random random = new Random(42);
    for (int chunkSize : new int[] {1, 128, 4096, 65536}) {
      EmbeddedChannel encoder = new EmbeddedChannel(new ChunkEncoder());
      EmbeddedChannel decoder = new EmbeddedChannel(new ChunkDecoder());
      List<byte[]> sent = new ArrayList<>();
      List<Long> timestamps = new ArrayList<>();
      encoder.writeOutbound(dev.kiln.rtmp.protocol.message.ControlMessages.setChunkSize(chunkSize));
      for (int i = 0; i < 20; i++) {
        // Small messages at chunk size 1: PARANOID leak tracking records every buffer write.
        byte[] payload = new byte[random.nextInt(i == 0 ? 1 : chunkSize == 1 ? 300 : 20_000)];
        random.nextBytes(payload);
        long ts = i == 5 ? 0xFFFFFFFFL : i * 1000L;
        sent.add(payload);
        timestamps.add(ts);
        encoder.writeOutbound(new RtmpMessage(6, MessageType.VIDEO, 1, ts, Unpooled.wrappedBuffer(payload)));
      }
      ByteBuf wire;
      while ((wire = encoder.readOutbound()) != null) {
        decoder.writeInbound(wire);
      }
      List<RtmpMessage> got = new ArrayList<>();
      RtmpMessage m;
      while ((m = decoder.readInbound()) != null) {
        got.add(m);
      }
      try {
        assertThat(got).hasSize(sent.size());
        for (int i = 0; i < sent.size(); i++) {
          assertThat(ByteBufUtil.getBytes(got.get(i).content())).isEqualTo(sent.get(i));
          assertThat(got.get(i).timestamp()).isEqualTo(timestamps.get(i));
        }
      } finally {
        got.forEach(RtmpMessage::release);
        encoder.finishAndReleaseAll();
        decoder.finishAndReleaseAll();
      }
    }
  }

  private List<RtmpMessage> readAll() {
    List<RtmpMessage> out = new ArrayList<>();
    RtmpMessage m;
    while ((m = channel.readInbound()) != null) {
      out.add(m);
    }
    return out;
  }

  private static ByteBuf setChunkSize(int size) {
    ByteBuf in = Unpooled.buffer();
    header0(in, 2, 0, 4, MessageType.SET_CHUNK_SIZE, 0);
    in.writeInt(size);
    return in;
  }

  static void basic(ByteBuf out, int fmt, int csid) {
    ChunkEncoder.writeBasicHeader(out, fmt, csid);
  }

  static void header0(ByteBuf out, int csid, long timestamp, int length, int type, int streamId) {
    basic(out, 0, csid);
    boolean extended = timestamp >= 0xFFFFFF;
    out.writeMedium(extended ? 0xFFFFFF : (int) timestamp);
    out.writeMedium(length);
    out.writeByte(type);
    out.writeIntLE(streamId);
    if (extended) {
      out.writeInt((int) timestamp);
    }
  }

  static byte[] bytes(int n, int seed) {
    byte[] b = new byte[n];
    for (int i = 0; i < n; i++) {
      b[i] = (byte) (seed * 31 + i);
    }
    return b;
  }
}

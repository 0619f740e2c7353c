package dev.kiln.rtmp.protocol.flv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class FlvTagParserTest {

  @Test
  void legacyAvcSequenceHeaderFramesAndEndOfSequence() throws Exception {
    byte[] record = CodecConfigTest.avcRecord(
        CodecConfigTest.avcSps(100, 31, 1280, 720, true, false), new byte[] {0x68, 1, 2});
    ByteBuf config = Unpooled.buffer().writeByte(0x17).writeByte(0).writeMedium(0).writeBytes(record);
    ByteBuf key = Unpooled.buffer().writeByte(0x17).writeByte(1).writeMedium(66)
        .writeInt(3).writeBytes(new byte[] {0x65, 1, 2});
    ByteBuf inter = Unpooled.buffer().writeByte(0x27).writeByte(1).writeMedium(-33 & 0xFFFFFF)
        .writeInt(2).writeBytes(new byte[] {0x41, 9});
    ByteBuf end = Unpooled.buffer().writeByte(0x17).writeByte(2).writeMedium(0);
    try {
      VideoTag c = VideoTagParser.parse(0, config);
      assertThat(c.codec()).isEqualTo(VideoCodec.AVC);
      assertThat(c.kind()).isEqualTo(TagKind.CONFIG);
      assertThat(c.config()).isEqualTo(record);
      assertThat(AvcDecoderConfig.parse(c.config()).firstSps().width()).isEqualTo(1280);

      VideoTag k = VideoTagParser.parse(1000, key);
      assertThat(k.kind()).isEqualTo(TagKind.FRAME);
      assertThat(k.keyframe()).isTrue();
      assertThat(k.dtsMs()).isEqualTo(1000);
      assertThat(k.ptsMs()).isEqualTo(1066);
      assertThat(ByteBufUtil.getBytes(k.payload())).containsExactly(0, 0, 0, 3, 0x65, 1, 2);

      VideoTag i = VideoTagParser.parse(1033, inter);
      assertThat(i.keyframe()).isFalse();
      assertThat(i.compositionTimeMs()).isEqualTo(-33);

      assertThat(VideoTagParser.parse(2000, end).kind()).isEqualTo(TagKind.END_OF_SEQUENCE);
    } finally {
      config.release();
      key.release();
      inter.release();
      end.release();
    }
  }

  @Test
  void framePayloadIsASliceOfTheTagBodyWithoutCopyOrExtraReference() throws Exception {
    ByteBuf body = Unpooled.directBuffer().writeByte(0x17).writeByte(1).writeMedium(0)
        .writeInt(1).writeByte(0x65);
    try {
      VideoTag tag = VideoTagParser.parse(0, body);
      assertThat(body.refCnt()).isEqualTo(1);
      body.setByte(body.writerIndex() - 1, 0x25);
      assertThat(tag.payload().getByte(4)).isEqualTo((byte) 0x25);
      assertThat(body.readerIndex()).isZero();
    } finally {
      body.release();
    }
  }

  @Test
  void enhancedRtmpVideo() throws Exception {
    byte[] hvcc = CodecConfigTest.hevcRecord(new byte[] {0x40, 1}, CodecConfigTest.hevcSps(1280, 720, 0),
        new byte[] {0x44, 1});
    ByteBuf start = ex(0x90, "hvc1").writeBytes(hvcc); // key frame, SequenceStart
    ByteBuf frames = ex(0x91, "hvc1").writeMedium(40).writeInt(2).writeShort(0x2601);
    ByteBuf framesX = ex(0xA3, "hvc1").writeInt(2).writeShort(0x0201); // inter, no CTS
    ByteBuf av1 = ex(0x91, "av01").writeBytes(new byte[] {0x12, 0x00, 0x0A}); // no CTS for AV1
    ByteBuf vp9 = ex(0x90, "vp09").writeBytes(new byte[] {1, 0, 0x28, 0x1F, (byte) 0x80, 0x00, 0, 0});
    ByteBuf metadata = ex(0x94, "hvc1").writeBytes(new byte[] {2, 0, 9});
    ByteBuf endSeq = ex(0x92, "hvc1");
    ByteBuf command = ex(0xD1, "avc1").writeByte(0);
    ByteBuf unknown = ex(0x91, "xyz1").writeByte(0);
    // ModEx (packet type 7): a 3-byte modifier, then the real packet type 1 (CodedFrames)
    ByteBuf modEx = Unpooled.buffer().writeByte(0x97).writeByte(2).writeMedium(123).writeByte(0x01)
        .writeBytes("avc1".getBytes(StandardCharsets.US_ASCII)).writeMedium(0).writeInt(1).writeByte(0x41);
    ByteBuf multitrack = Unpooled.buffer().writeByte(0x96).writeByte(0).writeBytes("avc1".getBytes(StandardCharsets.US_ASCII));
    try {
      VideoTag s = VideoTagParser.parse(0, start);
      assertThat(s.codec()).isEqualTo(VideoCodec.HEVC);
      assertThat(s.kind()).isEqualTo(TagKind.CONFIG);
      assertThat(s.keyframe()).isTrue();
      assertThat(HevcDecoderConfig.parse(s.config()).firstSps().width()).isEqualTo(1280);

      VideoTag f = VideoTagParser.parse(100, frames);
      assertThat(f.kind()).isEqualTo(TagKind.FRAME);
      assertThat(f.ptsMs()).isEqualTo(140);
      assertThat(f.payload().readableBytes()).isEqualTo(6);

      VideoTag x = VideoTagParser.parse(133, framesX);
      assertThat(x.kind()).isEqualTo(TagKind.FRAME);
      assertThat(x.keyframe()).isFalse();
      assertThat(x.ptsMs()).isEqualTo(133);
      assertThat(x.payload().readableBytes()).isEqualTo(6);

      VideoTag a = VideoTagParser.parse(5, av1);
      assertThat(a.codec()).isEqualTo(VideoCodec.AV1);
      assertThat(a.ptsMs()).isEqualTo(5);
      assertThat(ByteBufUtil.getBytes(a.payload())).containsExactly(0x12, 0x00, 0x0A);

      assertThat(VideoTagParser.parse(0, vp9)).extracting(VideoTag::codec, VideoTag::kind)
          .containsExactly(VideoCodec.VP9, TagKind.CONFIG);
      assertThat(VideoTagParser.parse(0, metadata).kind()).isEqualTo(TagKind.METADATA);
      assertThat(VideoTagParser.parse(0, endSeq).kind()).isEqualTo(TagKind.END_OF_SEQUENCE);
      assertThat(VideoTagParser.parse(0, command).kind()).isEqualTo(TagKind.INFO);
      assertThat(VideoTagParser.parse(0, unknown)).extracting(VideoTag::codec, VideoTag::kind)
          .containsExactly(VideoCodec.OTHER, TagKind.UNSUPPORTED);
      VideoTag m = VideoTagParser.parse(7, modEx);
      assertThat(m).extracting(VideoTag::codec, VideoTag::kind).containsExactly(VideoCodec.AVC, TagKind.FRAME);
      assertThat(ByteBufUtil.getBytes(m.payload())).containsExactly(0, 0, 0, 1, 0x41);
      assertThat(VideoTagParser.parse(0, multitrack).kind()).isEqualTo(TagKind.UNSUPPORTED);
    } finally {
      for (ByteBuf b : new ByteBuf[] {start, frames, framesX, av1, vp9, metadata, endSeq, command,
          unknown, modEx, multitrack}) {
        b.release();
      }
    }
  }

  @Test
  void truncatedVideoTagsAreACheckedError() {
    byte[][] bad = {
        {}, {0x17}, {0x17, 1, 0}, {(byte) 0x91, 'h', 'v'}, {(byte) 0x91, 'h', 'v', 'c', '1', 0},
        {(byte) 0x97, 10, 1, 2}, {0x17, 9, 0, 0, 0}};
    for (byte[] bytes : bad) {
      ByteBuf body = Unpooled.wrappedBuffer(bytes);
      try {
        assertThatThrownBy(() -> VideoTagParser.parse(0, body)).isInstanceOf(FlvParseException.class);
      } finally {
        body.release();
      }
    }
  }

  @Test
  void legacyNonAvcVideoIsPassedThrough() throws Exception {
    ByteBuf vp6 = Unpooled.wrappedBuffer(new byte[] {0x14, 0, 1, 2});
    try {
      VideoTag tag = VideoTagParser.parse(10, vp6);
      assertThat(tag).extracting(VideoTag::codec, VideoTag::kind, VideoTag::keyframe)
          .containsExactly(VideoCodec.OTHER, TagKind.FRAME, true);
      assertThat(tag.payload().readableBytes()).isEqualTo(3);
    } finally {
      vp6.release();
    }
  }

  @Test
  void aacAndOtherAudio() throws Exception {
    ByteBuf config = Unpooled.wrappedBuffer(new byte[] {(byte) 0xAF, 0, 0x11, (byte) 0x90});
    ByteBuf raw = Unpooled.wrappedBuffer(new byte[] {(byte) 0xAF, 1, 0x21, 0x10, 0x05});
    ByteBuf mp3 = Unpooled.wrappedBuffer(new byte[] {0x2E, (byte) 0xFF, (byte) 0xFB});
    ByteBuf opus = Unpooled.buffer().writeByte(0x90).writeBytes("Opus".getBytes(StandardCharsets.US_ASCII))
        .writeBytes("OpusHead".getBytes(StandardCharsets.US_ASCII));
    ByteBuf opusFrame = Unpooled.buffer().writeByte(0x91).writeBytes("Opus".getBytes(StandardCharsets.US_ASCII))
        .writeByte(0xFC);
    try {
      AudioTag c = AudioTagParser.parse(0, config);
      assertThat(c).extracting(AudioTag::codec, AudioTag::kind).containsExactly(AudioCodec.AAC, TagKind.CONFIG);
      assertThat(AudioSpecificConfig.parse(c.config())).isEqualTo(new AudioSpecificConfig(2, 48000, 2));

      AudioTag r = AudioTagParser.parse(21, raw);
      assertThat(r.kind()).isEqualTo(TagKind.FRAME);
      assertThat(r.timestampMs()).isEqualTo(21);
      assertThat(ByteBufUtil.getBytes(r.payload())).containsExactly(0x21, 0x10, 0x05);

      AudioTag m = AudioTagParser.parse(0, mp3);
      assertThat(m).extracting(AudioTag::codec, AudioTag::flvSampleRate, AudioTag::flvChannels)
          .containsExactly(AudioCodec.MP3, 44100, 1);
      assertThat(m.payload().readableBytes()).isEqualTo(2);

      AudioTag o = AudioTagParser.parse(0, opus);
      assertThat(o).extracting(AudioTag::codec, AudioTag::kind).containsExactly(AudioCodec.OPUS, TagKind.CONFIG);
      assertThat(new String(o.config(), StandardCharsets.US_ASCII)).isEqualTo("OpusHead");
      assertThat(AudioTagParser.parse(0, opusFrame).kind()).isEqualTo(TagKind.FRAME);
    } finally {
      config.release();
      raw.release();
      mp3.release();
      opus.release();
      opusFrame.release();
    }
    for (byte[] bytes : new byte[][] {{}, {(byte) 0xAF}, {(byte) 0xAF, 5}, {(byte) 0x90, 'O', 'p'}}) {
      ByteBuf body = Unpooled.wrappedBuffer(bytes);
      try {
        assertThatThrownBy(() -> AudioTagParser.parse(0, body)).isInstanceOf(FlvParseException.class);
      } finally {
        body.release();
      }
    }
  }

  private static ByteBuf ex(int first, String fourCc) {
    return Unpooled.buffer().writeByte(first).writeBytes(fourCc.getBytes(StandardCharsets.US_ASCII));
  }
}

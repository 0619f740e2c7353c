package dev.kiln.rtmp.protocol.flv;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/** What the writer produces reads back through the parsers the ingest uses. */
class FlvTagWriterTest {
  private static final byte[] CONFIG = {1, 2, 3, 4, 5};
  private static final byte[] FRAME = {0, 0, 0, 2, 0x65, (byte) 0x88};

  @ParameterizedTest
  @EnumSource(value = VideoCodec.class, names = "OTHER", mode = EnumSource.Mode.EXCLUDE)
  void videoTagsReadBack(VideoCodec codec) throws Exception {
    ByteBuf header = FlvTagWriter.videoSequenceHeader(ByteBufAllocator.DEFAULT, codec, CONFIG);
    VideoTag config = VideoTagParser.parse(1000, header);
    assertThat(config.codec()).isEqualTo(codec);
    assertThat(config.kind()).isEqualTo(TagKind.CONFIG);
    assertThat(config.config()).isEqualTo(CONFIG);
    header.release();

    boolean hasCts = codec == VideoCodec.AVC || codec == VideoCodec.HEVC;
    for (int cts : new int[] {0, 80, -40}) {
      for (boolean key : new boolean[] {true, false}) {
        ByteBuf body = Unpooled.buffer();
        FlvTagWriter.writeVideoFrameHeader(body, codec, key, cts);
        assertThat(body.readableBytes()).isLessThanOrEqualTo(FlvTagWriter.MAX_VIDEO_HEADER);
        body.writeBytes(FRAME);
        VideoTag frame = VideoTagParser.parse(1000, body);
        assertThat(frame.codec()).isEqualTo(codec);
        assertThat(frame.kind()).isEqualTo(TagKind.FRAME);
        assertThat(frame.keyframe()).isEqualTo(key);
        assertThat(frame.dtsMs()).isEqualTo(1000);
        assertThat(frame.ptsMs()).isEqualTo(hasCts ? 1000 + cts : 1000);
        assertThat(ByteBufUtil.getBytes(frame.payload())).isEqualTo(FRAME);
        body.release();
      }
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"AAC", "OPUS"})
  void audioTagsReadBack(AudioCodec codec) throws Exception {
    assertThat(FlvTagWriter.supports(codec)).isTrue();
    ByteBuf header = FlvTagWriter.audioSequenceHeader(ByteBufAllocator.DEFAULT, codec, CONFIG);
    AudioTag config = AudioTagParser.parse(20, header);
    assertThat(config.codec()).isEqualTo(codec);
    assertThat(config.kind()).isEqualTo(TagKind.CONFIG);
    assertThat(config.config()).isEqualTo(CONFIG);
    header.release();

    ByteBuf body = Unpooled.buffer();
    FlvTagWriter.writeAudioFrameHeader(body, codec);
    assertThat(body.readableBytes()).isLessThanOrEqualTo(FlvTagWriter.MAX_AUDIO_HEADER);
    body.writeBytes(FRAME);
    AudioTag frame = AudioTagParser.parse(20, body);
    assertThat(frame.kind()).isEqualTo(TagKind.FRAME);
    assertThat(frame.codec()).isEqualTo(codec);
    assertThat(ByteBufUtil.getBytes(frame.payload())).isEqualTo(FRAME);
    body.release();
  }

  @ParameterizedTest
  @EnumSource(value = VideoCodec.class, names = "OTHER", mode = EnumSource.Mode.EXCLUDE)
  void metadataCodecIds(VideoCodec codec) {
    double id = FlvTagWriter.videoCodecId(codec);
    assertThat(id).isEqualTo(codec == VideoCodec.AVC ? 7 : FlvTagWriter.fourCc(codec));
    assertThat(FlvTagWriter.audioCodecId(AudioCodec.AAC)).isEqualTo(10);
  }
}

package dev.kiln.push.internal.rtmp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.api.media.MediaPacket;
import dev.kiln.push.internal.target.Protocol;
import dev.kiln.push.internal.target.PushTarget;
import dev.kiln.push.internal.target.TargetSpec;
import dev.kiln.rtmp.protocol.flv.AudioCodec;
import dev.kiln.rtmp.protocol.flv.TagKind;
import dev.kiln.rtmp.protocol.flv.VideoCodec;
import dev.kiln.rtmp.protocol.flv.VideoTag;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Publishes generated H.265 (Enhanced RTMP) + AAC to Kiln's own RTMP ingest server and checks
 * what arrived: names, metadata, sequence headers equal to the tracks' configurations, every
 * frame with its timestamps, composition times and key frame flags.
 */
@ExtendWith(LeakCheck.class)
class KilnIngestPushTest {
  private static EventLoopGroup group;
  private static RtmpTargetFactory factory;
  @TempDir static Path dir;

  @BeforeAll
  static void setUp() {
    group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
    factory = new RtmpTargetFactory(group, NioSocketChannel.class);
  }

  @AfterAll
  static void tearDown() {
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
  }

  @Test
  void hevcAndAacArriveFrameForFrame() throws Exception {
    TestMedia media = TestMedia.generate(dir, true, 2);
    try (KilnReceiver receiver = new KilnReceiver(group, null, null)) {
      PushTarget target = factory.create(new TargetSpec(Protocol.RTMP,
          URI.create(receiver.url("app/inst")), "cam1?token=abc", media.tracks()));
      target.open().get(10, TimeUnit.SECONDS);
      for (MediaPacket packet : media.packets()) {
        target.send(packet);
      }
      target.close();
      target.closed().get(10, TimeUnit.SECONDS);
      assertThat(receiver.unpublished.get(10, TimeUnit.SECONDS)).isNotNull();

      assertThat(receiver.app).isEqualTo("app/inst");
      assertThat(receiver.streamName).isEqualTo("cam1");
      assertThat(receiver.query).isEqualTo("token=abc");
      assertThat(receiver.metadata).containsEntry("width", (double) TestMedia.WIDTH)
          .containsEntry("height", (double) TestMedia.HEIGHT)
          .containsEntry("videocodecid", (double) 0x68766331)
          .containsEntry("audiocodecid", 10.0)
          .containsEntry("audiochannels", 2.0);

      VideoTag config = receiver.video.get(0);
      assertThat(config.kind()).isEqualTo(TagKind.CONFIG);
      assertThat(config.codec()).isEqualTo(VideoCodec.HEVC);
      assertThat(config.config()).isEqualTo(media.tracks().get(0).config());
      assertThat(receiver.audio.get(0).kind()).isEqualTo(TagKind.CONFIG);
      assertThat(receiver.audio.get(0).codec()).isEqualTo(AudioCodec.AAC);
      assertThat(receiver.audio.get(0).config()).isEqualTo(media.tracks().get(1).config());

      List<String> sent = media.packets().stream()
          .filter(p -> p.trackId() == TestMedia.VIDEO_TRACK)
          .map(p -> p.dts() / 90 + "/" + p.pts() / 90 + "/" + p.keyframe()).toList();
      List<String> received = receiver.video.stream().filter(t -> t.kind() == TagKind.FRAME)
          .map(t -> t.dtsMs() + "/" + t.ptsMs() + "/" + t.keyframe()).toList();
      assertThat(received).isEqualTo(sent);
      assertThat(sent).anyMatch(s -> !s.split("/")[0].equals(s.split("/")[1])); // B-frames
      assertThat(receiver.frames(receiver.audio)).isEqualTo(media.count(TestMedia.AUDIO_TRACK));
      assertThat(media.onlyTestReferencesLeft()).isTrue();
    } finally {
      media.release();
    }
  }
}

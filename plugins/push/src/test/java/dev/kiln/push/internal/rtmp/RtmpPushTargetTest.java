package dev.kiln.push.internal.rtmp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.api.media.MediaPacket;
import dev.kiln.push.internal.target.Protocol;
import dev.kiln.push.internal.target.PushTarget;
import dev.kiln.push.internal.target.TargetSpec;
import dev.kiln.testkit.FfmpegTool;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Publishes generated H.264 + AAC to ffmpeg listening as an RTMP server, checked with ffprobe. */
@ExtendWith(LeakCheck.class)
class RtmpPushTargetTest {
  private static final int SECONDS = 4;
  private static EventLoopGroup group;
  private static RtmpTargetFactory factory;
  @TempDir static Path dir;
  private static TestMedia media;

  @BeforeAll
  static void setUp() throws Exception {
    group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
    factory = new RtmpTargetFactory(group, NioSocketChannel.class);
    media = TestMedia.generate(dir, false, SECONDS);
  }

  @AfterAll
  static void tearDown() {
    if (media != null) {
      media.release();
    }
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
  }

  @Test
  void publishesToFfmpegWhichRecordsEveryFrame() throws Exception {
    try (FfmpegReceiver receiver = FfmpegReceiver.start(dir, "live", "key")) {
      PushTarget target = factory.create(new TargetSpec(
          Protocol.RTMP, URI.create(receiver.url("live")), "key", media.tracks()));
      target.open().get(10, TimeUnit.SECONDS);
      for (MediaPacket packet : media.packets()) {
        target.send(packet);
      }
      target.close();
      target.closed().get(10, TimeUnit.SECONDS);
      assertThat(((RtmpPushTarget) target).droppedPackets()).isZero();
      assertThat(target.sentBytes()).isGreaterThan(
          media.packets().stream().mapToLong(p -> p.payload().length()).sum());
      assertThat(media.onlyTestReferencesLeft()).isTrue();

      FfmpegTool.Result result = receiver.awaitExit(Duration.ofSeconds(15));
      assertThat(result.exitCode()).as(result.output()).isZero();
      String probe = probe(receiver.output);
      assertThat(probe).contains("\"codec_name\": \"h264\"", "\"codec_name\": \"aac\"",
          "\"width\": " + TestMedia.WIDTH, "\"height\": " + TestMedia.HEIGHT);
      assertThat(videoFrames(probe)).isEqualTo(media.count(TestMedia.VIDEO_TRACK));
      assertThat(duration(probe)).isCloseTo(SECONDS, org.assertj.core.data.Offset.offset(
          (double) TestMedia.GOP / TestMedia.FPS));
    }
  }

  @Test
  void receiverKilledMidStreamFailsClosed() throws Exception {
    try (FfmpegReceiver receiver = FfmpegReceiver.start(dir, "live", "gone")) {
      PushTarget target = factory.create(new TargetSpec(
          Protocol.RTMP, URI.create(receiver.url("live")), "gone", media.tracks()));
      target.open().get(10, TimeUnit.SECONDS);
      List<MediaPacket> packets = media.packets();
      int i = 0;
      for (; i < packets.size() / 4; i++) {
        target.send(packets.get(i));
      }
      receiver.process().destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      // Keep feeding, as a push task would, until the target notices.
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (!target.closed().isDone() && System.nanoTime() < deadline) {
        target.send(packets.get(i++ % packets.size()));
        awaitQuietly(target, 5);
      }
      assertThatThrownBy(() -> target.closed().get(1, TimeUnit.SECONDS))
          .isInstanceOf(ExecutionException.class)
          .hasMessageContaining("127.0.0.1:" + receiver.port);
      target.close(); // after a failure: no effect, no exception
      waitForReferences();
    }
  }

  /** Waits up to {@code millis} for closed() to complete, whichever way. */
  private static void awaitQuietly(PushTarget target, long millis) throws InterruptedException {
    try {
      target.closed().get(millis, TimeUnit.MILLISECONDS);
    } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
      // checked by the caller
    }
  }

  private static void waitForReferences() throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (!media.onlyTestReferencesLeft() && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertThat(media.onlyTestReferencesLeft()).as("payload references released").isTrue();
  }

  static String probe(Path file) {
    FfmpegTool.Result result = FfmpegTool.runFfprobe(Duration.ofSeconds(30), List.of(
        "-v", "error", "-count_frames", "-show_entries",
        "stream=codec_name,width,height,nb_read_frames:format=duration", "-of", "json",
        file.toString()));
    assertThat(result.exitCode()).as(result.output()).isZero();
    return result.output();
  }

  static long videoFrames(String probe) {
    Matcher m = Pattern.compile("\"codec_name\": \"(?:h264|hevc)\"[^}]*?\"nb_read_frames\": \"(\\d+)\"",
        Pattern.DOTALL).matcher(probe);
    assertThat(m.find()).as(probe).isTrue();
    return Long.parseLong(m.group(1));
  }

  static double duration(String probe) {
    Matcher m = Pattern.compile("\"duration\": \"([0-9.]+)\"").matcher(probe);
    assertThat(m.find()).as(probe).isTrue();
    return Double.parseDouble(m.group(1));
  }
}

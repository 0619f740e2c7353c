package dev.kiln.ingest.rtmp.internal.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import ch.qos.logback.classic.Level;
import dev.kiln.ingest.rtmp.LogCapture;
import dev.kiln.rtmp.protocol.flv.AudioSpecificConfig;
import dev.kiln.rtmp.protocol.flv.AvcDecoderConfig;
import dev.kiln.rtmp.protocol.flv.AvcSps;
import dev.kiln.rtmp.protocol.flv.VideoCodec;
import dev.kiln.ingest.rtmp.internal.session.RecordingListener;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * Publishes with GStreamer: {@code rtmp2sink} (GStreamer's own RTMP client) and {@code rtmpsink}
 * (librtmp, the library OBS's RTMP output derives from). Fails, naming the Debian package, where
 * {@code gst-launch-1.0} or an element is missing: {@code ./kiln test} installs them
 * (gstreamer1.0-tools, -plugins-base, -plugins-good, -plugins-bad, -plugins-ugly).
 */
class GstreamerPublishIT {
  private static EventLoopGroup boss;
  private static EventLoopGroup workers;

  @TempDir
  Path tmp;
  private RtmpServer server;
  private LogCapture log;
  private LogCapture handshakeLog;

  @BeforeAll
  static void startLoops() {
    boss = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    workers = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
  }

  @AfterAll
  static void stopLoops() {
    boss.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    workers.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
  }

  @BeforeEach
  void captureLog() {
    log = LogCapture.of("dev.kiln.ingest.rtmp");
    handshakeLog = LogCapture.of(
        dev.kiln.rtmp.protocol.handshake.HandshakeHandler.class.getName(), Level.DEBUG);
  }

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
    log.close();
    handshakeLog.close();
  }

  @ParameterizedTest
  @ValueSource(strings = {"rtmp2sink", "rtmpsink"})
  void h264AndAacFromGstreamer(String sink) throws Exception {
    requireElements(sink, "videotestsrc", "audiotestsrc", "x264enc", "voaacenc", "flvmux",
        "h264parse");
    RecordingListener listener = new RecordingListener();
    server = new RtmpServer(boss, workers, "127.0.0.1", 0, listener.factory());
    server.start();
    int port = server.localAddress().getPort();
    String url = "rtmp://127.0.0.1:" + port + "/app/" + sink + "?key=k";
    String location = sink.equals("rtmpsink") ? url + " live=1" : url;

    List<String> command = new ArrayList<>(List.of("gst-launch-1.0", "-e",
        "videotestsrc", "num-buffers=90", "!", "video/x-raw,width=640,height=360,framerate=30/1",
        "!", "x264enc", "key-int-max=30", "speed-preset=ultrafast", "!", "h264parse", "!",
        "flvmux", "name=mux", "streamable=true", "!", sink, "location=" + location,
        "audiotestsrc", "num-buffers=141", "samplesperbuffer=1024", "!",
        "audio/x-raw,rate=48000,channels=2", "!", "voaacenc", "!", "mux."));
    Path output = tmp.resolve("gst.log");
    Process gst = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(output.toFile()).start();
    try {
      boolean exited = gst.waitFor(60, TimeUnit.SECONDS);
      String text = Files.readString(output);
      assertThat(exited).as("gst-launch finished:\n%s", text).isTrue();
      assertThat(gst.exitValue()).as(text).isZero();
    } finally {
      gst.destroyForcibly();
    }

    RecordingListener.Publish publish = listener.published.get(5, TimeUnit.SECONDS);
    assertThat(publish.app()).isEqualTo("app");
    assertThat(publish.streamName()).isEqualTo(sink);
    assertThat(publish.query()).isEqualTo("key=k");
    listener.unpublished.get(10, TimeUnit.SECONDS);
    listener.session.closeFuture().await(10, TimeUnit.SECONDS);
    assertThat(listener.unpublishReasons).hasSize(1);
    assertThat(listener.parseErrors).isEmpty();

    assertThat(listener.configs()).hasSize(1);
    assertThat(listener.configs().get(0).codec()).isEqualTo(VideoCodec.AVC);
    AvcSps sps = AvcDecoderConfig.parse(listener.configs().get(0).config()).firstSps();
    assertThat(sps.width()).isEqualTo(640);
    assertThat(sps.height()).isEqualTo(360);
    List<RecordingListener.Video> frames = listener.frames();
    assertThat(frames).hasSize(90);
    assertThat(frames.get(0).keyframe()).isTrue();
    assertThat(frames.get(30).keyframe()).isTrue();
    for (int i = 1; i < frames.size(); i++) {
      assertThat(frames.get(i).dts()).isGreaterThanOrEqualTo(frames.get(i - 1).dts());
    }
    assertThat(frames.get(89).dts() - frames.get(0).dts()).isBetween(2900L, 3000L);
    assertThat(listener.audioConfigs()).hasSize(1);
    assertThat(AudioSpecificConfig.parse(listener.audioConfigs().get(0).config()))
        .extracting(AudioSpecificConfig::sampleRate, AudioSpecificConfig::channels)
        .containsExactly(48000, 2);
    assertThat(log.messages(Level.WARN)).isEmpty();
    assertThat(handshakeLog.messages(Level.DEBUG)).singleElement().asString().contains("C1");
  }

  /** Debian package of each GStreamer element these tests use. */
  private static final Map<String, String> PACKAGES = Map.of(
      "rtmp2sink", "gstreamer1.0-plugins-bad",
      "rtmpsink", "gstreamer1.0-plugins-bad",
      "videotestsrc", "gstreamer1.0-plugins-base",
      "audiotestsrc", "gstreamer1.0-plugins-base",
      "x264enc", "gstreamer1.0-plugins-ugly",
      "voaacenc", "gstreamer1.0-plugins-bad",
      "flvmux", "gstreamer1.0-plugins-good",
      "h264parse", "gstreamer1.0-plugins-bad");

  private static void requireElements(String... elements) {
    if (!runs("gst-inspect-1.0", "--version")) {
      fail("gst-inspect-1.0 / gst-launch-1.0 not found: install gstreamer1.0-tools"
          + " (./kiln test installs it with apt-get when run as root)");
    }
    for (String element : elements) {
      if (!runs("gst-inspect-1.0", "--exists", element)) {
        fail("GStreamer element " + element + " not installed: install "
            + PACKAGES.getOrDefault(element, "the GStreamer plugin package that has it")
            + " (./kiln test installs it with apt-get when run as root)");
      }
    }
  }

  private static boolean runs(String... command) {
    try {
      Process p = new ProcessBuilder(command)
          .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
      return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}

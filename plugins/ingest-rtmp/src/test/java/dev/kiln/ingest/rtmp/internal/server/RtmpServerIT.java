package dev.kiln.ingest.rtmp.internal.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import dev.kiln.testkit.FfmpegTool;
import dev.kiln.ingest.rtmp.LogCapture;
import dev.kiln.rtmp.protocol.flv.AudioSpecificConfig;
import dev.kiln.rtmp.protocol.flv.AvcDecoderConfig;
import dev.kiln.rtmp.protocol.flv.AvcSps;
import dev.kiln.rtmp.protocol.flv.HevcDecoderConfig;
import dev.kiln.rtmp.protocol.flv.HevcSps;
import dev.kiln.rtmp.protocol.flv.VideoCodec;
import dev.kiln.rtmp.protocol.handshake.HandshakeHandler;
import dev.kiln.ingest.rtmp.internal.session.PublishDecision;
import dev.kiln.ingest.rtmp.internal.session.RecordingListener;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Publishes real media with the bundled ffmpeg to a real {@link RtmpServer}. */
class RtmpServerIT {
  private static final Duration FFMPEG_TIMEOUT = Duration.ofSeconds(90);
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
    FfmpegTool.ffmpeg(); // extract once, outside any test's timing
  }

  @AfterAll
  static void stopLoops() {
    boss.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    workers.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
  }

  @BeforeEach
  void captureLog() {
    log = LogCapture.of("dev.kiln.ingest.rtmp");
    handshakeLog = LogCapture.of(HandshakeHandler.class.getName(), Level.DEBUG);
  }

  @AfterEach
  void stopServer() {
    if (server != null) {
      server.close();
    }
    log.close();
    handshakeLog.close();
  }

  @Test
  void h264AndAacFromFfmpeg() throws Exception {
    RecordingListener listener = new RecordingListener();
    int port = start(listener);
    FfmpegTool.Result result = FfmpegTool.runFfmpeg(FFMPEG_TIMEOUT, List.of(
        "-re", "-f", "lavfi", "-i", "testsrc2=size=1280x720:rate=30",
        "-f", "lavfi", "-i", "sine=frequency=1000:sample_rate=48000",
        "-c:v", "libx264", "-preset", "veryfast", "-pix_fmt", "yuv420p", "-g", "60",
        "-sc_threshold", "0", "-c:a", "aac", "-ac", "2", "-t", "4",
        "-f", "flv", "rtmp://127.0.0.1:" + port + "/app/stream?key=abc"));
    assertThat(result.exitCode()).as(result.output()).isZero();

    RecordingListener.Publish publish = listener.published.get(5, TimeUnit.SECONDS);
    assertThat(publish.app()).isEqualTo("app");
    assertThat(publish.streamName()).isEqualTo("stream");
    assertThat(publish.query()).isEqualTo("key=abc");
    assertThat(publish.tcUrl()).isEqualTo("rtmp://127.0.0.1:" + port + "/app");
    assertThat(((InetSocketAddress) publish.remote()).getAddress().isLoopbackAddress()).isTrue();

    listener.unpublished.get(10, TimeUnit.SECONDS);
    listener.session.closeFuture().await(10, TimeUnit.SECONDS);
    assertThat(listener.unpublishReasons).hasSize(1);
    assertThat(listener.parseErrors).isEmpty();
    assertThat(listener.threads).allMatch(t -> !t.equals(Thread.currentThread().getName()));

    assertThat(listener.metadata).hasSize(1);
    Map<String, Object> meta = listener.metadata.get(0);
    assertThat(meta).containsEntry("width", 1280.0).containsEntry("height", 720.0)
        .containsEntry("videocodecid", 7.0).containsEntry("audiocodecid", 10.0);

    assertThat(listener.configs()).hasSize(1);
    RecordingListener.Video config = listener.configs().get(0);
    assertThat(config.codec()).isEqualTo(VideoCodec.AVC);
    assertThat(config.enhanced()).isFalse();
    AvcSps sps = AvcDecoderConfig.parse(config.config()).firstSps();
    assertThat(sps.width()).isEqualTo(1280);
    assertThat(sps.height()).isEqualTo(720);
    assertThat(sps.profileIdc()).isEqualTo(100);

    List<RecordingListener.Video> frames = listener.frames();
    assertThat(frames).hasSizeBetween(115, 125);
    List<Integer> keyframes = IntStream.range(0, frames.size())
        .filter(i -> frames.get(i).keyframe()).boxed().toList();
    assertThat(keyframes).startsWith(0, 60);
    assertThat(keyframes).allMatch(i -> i % 60 == 0);
    List<Long> steps = new ArrayList<>();
    for (int i = 1; i < frames.size(); i++) {
      steps.add(frames.get(i).dts() - frames.get(i - 1).dts());
    }
    assertThat(steps).allMatch(step -> step == 33 || step == 34);
    assertThat(frames).anyMatch(f -> f.pts() > f.dts()); // B-frames: composition offsets arrive
    assertThat(frames).allMatch(f -> f.pts() >= f.dts() && f.payloadBytes() > 0);

    assertThat(listener.audioConfigs()).hasSize(1);
    assertThat(AudioSpecificConfig.parse(listener.audioConfigs().get(0).config()))
        .isEqualTo(new AudioSpecificConfig(2, 48000, 2));
    long audioFrames = listener.audio.stream().filter(a -> a.payloadBytes() > 0).count();
    assertThat(audioFrames).isBetween(180L, 195L); // 4 s of 1024-sample frames at 48 kHz
    assertThat(log.messages(Level.WARN)).isEmpty();
    // ffmpeg signs its C1: the digest handshake was validated and answered.
    assertThat(handshakeLog.messages(Level.DEBUG)).singleElement().asString()
        .contains("with digest (OFFSET_AT_8)");
  }

  @Test
  void rejectedPublishMakesFfmpegFail() throws Exception {
    RecordingListener listener = new RecordingListener(
        () -> PublishDecision.reject(PublishDecision.BAD_NAME, "no such stream key"));
    int port = start(listener);
    FfmpegTool.Result result = FfmpegTool.runFfmpeg(FFMPEG_TIMEOUT, List.of(
        "-f", "lavfi", "-i", "testsrc2=size=320x240:rate=30", "-c:v", "libx264",
        "-preset", "ultrafast", "-t", "2", "-f", "flv",
        "rtmp://127.0.0.1:" + port + "/app/stream?key=wrong"));
    assertThat(result.exitCode()).as(result.output()).isNotZero();
    assertThat(result.output()).contains("no such stream key");
    assertThat(listener.published.get(5, TimeUnit.SECONDS).query()).isEqualTo("key=wrong");
    assertThat(listener.unpublishReasons).isEmpty();
  }

  @Test
  void ffmpegAsAPlayerVerifiesTheDigestHandshakeThenIsRefused() throws Exception {
    // ffmpeg checks S1's digest and S2's signature only when it reads a stream; the play
    // that follows is refused by the server.
    int port = start(new RecordingListener());
    FfmpegTool.Result result = FfmpegTool.runFfmpeg(FFMPEG_TIMEOUT, List.of(
        "-i", "rtmp://127.0.0.1:" + port + "/app/stream", "-t", "1", "-f", "null", "-"));
    assertThat(result.exitCode()).as(result.output()).isNotZero();
    assertThat(result.output()).doesNotContain("validating failed").doesNotContain("Signature mismatch")
        .contains("Playback over RTMP is not supported");
    assertThat(handshakeLog.messages(Level.DEBUG)).singleElement().asString().contains("with digest");
  }

  @Test
  void hevcThroughEnhancedRtmp() throws Exception {
    RecordingListener listener = new RecordingListener();
    int port = start(listener);
    FfmpegTool.Result result = FfmpegTool.runFfmpeg(FFMPEG_TIMEOUT, List.of(
        "-re", "-f", "lavfi", "-i", "testsrc2=size=640x360:rate=30",
        "-c:v", "libx265", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-g", "30",
        "-x265-params", "log-level=error", "-t", "2",
        "-f", "flv", "rtmp://127.0.0.1:" + port + "/live/hevc"));
    assertThat(result.exitCode()).as(result.output()).isZero();
    listener.unpublished.get(10, TimeUnit.SECONDS);
    assertThat(listener.parseErrors).isEmpty();

    assertThat(listener.configs()).hasSize(1);
    RecordingListener.Video config = listener.configs().get(0);
    assertThat(config.codec()).isEqualTo(VideoCodec.HEVC);
    assertThat(config.enhanced()).as("sent with the Enhanced RTMP hvc1 FourCC").isTrue();
    HevcSps sps = HevcDecoderConfig.parse(config.config()).firstSps();
    assertThat(sps.width()).isEqualTo(640);
    assertThat(sps.height()).isEqualTo(360);
    List<RecordingListener.Video> frames = listener.frames();
    assertThat(frames).hasSizeBetween(55, 65);
    assertThat(frames).allMatch(f -> f.codec() == VideoCodec.HEVC && f.enhanced());
    assertThat(frames.get(0).keyframe()).isTrue();
  }

  @Test
  void closingTheSessionMidStreamMakesFfmpegFail() throws Exception {
    RecordingListener listener = new RecordingListener();
    int port = start(listener);
    Path ffmpegLog = tmp.resolve("ffmpeg.log");
    Process ffmpeg = FfmpegTool.startFfmpeg(ffmpegLog, List.of(
        "-re", "-f", "lavfi", "-i", "testsrc2=size=320x240:rate=30", "-c:v", "libx264",
        "-preset", "ultrafast", "-t", "30", "-f", "flv",
        "rtmp://127.0.0.1:" + port + "/app/doomed"));
    try {
      listener.firstVideo.get(30, TimeUnit.SECONDS);
      listener.session.close("stream deleted through the API");
      FfmpegTool.Result result = FfmpegTool.await(ffmpeg, ffmpegLog, Duration.ofSeconds(20));
      assertThat(result.exitCode()).as(result.output()).isNotZero();
      assertThat(listener.unpublishReasons).containsExactly("stream deleted through the API");
      assertThat(server.sessions()).isEmpty();
    } finally {
      ffmpeg.destroyForcibly();
    }
  }

  @Test
  void garbageInsteadOfAHandshakeClosesThatConnectionWithAWarning() throws Exception {
    int port = start(new RecordingListener());
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(10_000);
      socket.getOutputStream().write("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      assertThat(socket.getInputStream().read()).as("connection closed").isEqualTo(-1);
      String local = String.valueOf(socket.getLocalPort());
      assertThat(log.messages(Level.WARN)).singleElement().asString()
          .contains(local).contains("not an RTMP handshake");
    }
  }

  @Test
  void closeDropsOpenConnectionsAndBindFailureNamesTheAddress() throws Exception {
    RecordingListener listener = new RecordingListener();
    int port = start(listener);
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(10_000);
      byte[] c0c1 = new byte[1537];
      c0c1[0] = 3;
      socket.getOutputStream().write(c0c1);
      InputStream in = socket.getInputStream();
      assertThat(in.readNBytes(3073)).hasSize(3073); // S0 S1 S2: the connection is up
      assertThat(server.sessions()).hasSize(1);

      RtmpServer second = new RtmpServer(boss, workers, "127.0.0.1", port, listener.factory());
      assertThatThrownBy(second::start).isInstanceOf(IOException.class)
          .hasMessageContaining("127.0.0.1:" + port);

      server.close();
      assertThat(in.read()).as("connection closed by server.close()").isEqualTo(-1);
      assertThat(server.sessions()).isEmpty();
    }
  }

  private int start(RecordingListener listener) throws IOException {
    server = new RtmpServer(boss, workers, "127.0.0.1", 0, listener.factory());
    server.start();
    return server.localAddress().getPort();
  }
}

package dev.kiln.ingest.srt.internal.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.testkit.FfmpegTool;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioDatagramChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real libsrt callers (the bundled ffmpeg) against a real {@link SrtServer}: the MPEG-TS they
 * send must arrive whole and in order, plain and encrypted, also through a lossy path.
 */
class SrtServerIT {
  private static final Duration FFMPEG_LIMIT = Duration.ofSeconds(60);
  private static EventLoopGroup loops;

  @TempDir
  Path tmp;
  private SrtServer server;
  private final CollectingAcceptor acceptor = new CollectingAcceptor();

  @BeforeAll
  static void startLoops() {
    loops = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
    FfmpegTool.ffmpeg();
  }

  @AfterAll
  static void stopLoops() {
    loops.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
  }

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  private int start(String passphrase) throws Exception {
    server = new SrtServer(loops, NioDatagramChannel.class, "127.0.0.1", 0, acceptor, passphrase, 5);
    server.start();
    return server.localAddress().getPort();
  }

  /** ffmpeg sends {@code seconds} of 320x240 H.264 + AAC as MPEG-TS to {@code url} at real-time pace. */
  static List<String> publishArgs(int seconds, String url) {
    return List.of("-loglevel", "warning", "-re", "-f", "lavfi", "-i", "testsrc2=size=320x240:rate=30",
        "-re", "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000", "-t", Integer.toString(seconds),
        "-c:v", "libx264", "-preset", "ultrafast", "-g", "30", "-c:a", "aac", "-f", "mpegts", url);
  }

  /** Video frames and audio streams ffprobe finds in the collected transport stream. */
  private String probe(byte[] ts) throws Exception {
    Path file = tmp.resolve("received-" + System.nanoTime() + ".ts");
    Files.write(file, ts);
    FfmpegTool.Result r = FfmpegTool.runFfprobe(Duration.ofSeconds(30), List.of("-v", "error",
        "-count_frames", "-show_entries", "stream=codec_name,nb_read_frames", "-of", "csv=p=0", file.toString()));
    assertThat(r.exitCode()).as("ffprobe: %s", r.output()).isZero();
    return r.output();
  }

  @Test
  void ffmpegPublishesAndTheWholeTransportStreamArrives() throws Exception {
    int port = start(null);
    FfmpegTool.Result r = FfmpegTool.runFfmpeg(FFMPEG_LIMIT,
        publishArgs(3, "srt://127.0.0.1:" + port + "?streamid=default/app/s1&latency=120000"));
    assertThat(r.exitCode()).as("ffmpeg: %s", r.output()).isZero();
    CollectingAcceptor.Stream s = acceptor.await("default/app/s1", Duration.ofSeconds(1));
    s.awaitClosed(Duration.ofSeconds(5));
    assertThat(s.closeReason).contains("shut");
    String probed = probe(s.data());
    assertThat(probed).startsWith("h264,90\naac,");
    assertThat(s.data().length % 188).isZero();
  }
}

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
    // One "codec,frames" line per stream (ffprobe lists them again under the program).
    return r.output().lines().filter(l -> l.matches("[a-z0-9]+,\\d+")).distinct()
        .collect(java.util.stream.Collectors.joining("\n", "", "\n"));
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

  @Test
  void encryptedCallersWithThePassphraseAreDecrypted() throws Exception {
    int port = start("kiln-secret-passphrase");
    for (int keyLength : new int[] {16, 32}) {
      String id = "default/app/aes" + keyLength;
      FfmpegTool.Result r = FfmpegTool.runFfmpeg(FFMPEG_LIMIT, publishArgs(2, "srt://127.0.0.1:" + port
          + "?streamid=" + id + "&passphrase=kiln-secret-passphrase&pbkeylen=" + keyLength));
      assertThat(r.exitCode()).as("ffmpeg AES-%d: %s", keyLength * 8, r.output()).isZero();
      CollectingAcceptor.Stream s = acceptor.await(id, Duration.ofSeconds(1));
      s.awaitClosed(Duration.ofSeconds(5));
      assertThat(probe(s.data())).as("AES-%d", keyLength * 8).startsWith("h264,60\naac,");
    }
  }

  @Test
  void aWrongOrMissingPassphraseIsRefusedInTheHandshake() throws Exception {
    int port = start("kiln-secret-passphrase");
    FfmpegTool.Result wrong = FfmpegTool.runFfmpeg(FFMPEG_LIMIT, publishArgs(1, "srt://127.0.0.1:" + port
        + "?streamid=default/app/wrong&passphrase=not-the-passphrase"));
    assertThat(wrong.exitCode()).as("ffmpeg: %s", wrong.output()).isNotZero();
    FfmpegTool.Result missing = FfmpegTool.runFfmpeg(FFMPEG_LIMIT, publishArgs(1, "srt://127.0.0.1:" + port
        + "?streamid=default/app/missing"));
    assertThat(missing.exitCode()).as("ffmpeg: %s", missing.output()).isNotZero();
    assertThat(acceptor.streams).isEmpty();
    assertThat(server.rejectedHandshakes()).isGreaterThanOrEqualTo(2);
  }

  @Test
  void aStreamIdTheAcceptorRefusesFailsTheCaller() throws Exception {
    int port = start(null);
    FfmpegTool.Result r = FfmpegTool.runFfmpeg(FFMPEG_LIMIT, publishArgs(1, "srt://127.0.0.1:" + port
        + "?streamid=refuse/app/x"));
    assertThat(r.exitCode()).as("ffmpeg: %s", r.output()).isNotZero();
    assertThat(server.rejectedHandshakes()).isEqualTo(1);
  }

  @Test
  void lostPacketsAreAskedForAgainAndTheStreamArrivesWhole() throws Exception {
    int port = start(null);
    try (LossyRelay relay = new LossyRelay(server.localAddress(), 15)) {
      FfmpegTool.Result r = FfmpegTool.runFfmpeg(FFMPEG_LIMIT, publishArgs(3, "srt://127.0.0.1:" + relay.port()
          + "?streamid=default/app/lossy&latency=300000"));
      assertThat(r.exitCode()).as("ffmpeg: %s", r.output()).isZero();
      CollectingAcceptor.Stream s = acceptor.await("default/app/lossy", Duration.ofSeconds(1));
      s.awaitClosed(Duration.ofSeconds(5));
      assertThat(relay.droppedPackets()).as("packets the relay dropped").isGreaterThan(10);
      assertThat(s.connection.droppedPackets()).as("packets given up").isZero();
      assertThat(probe(s.data())).startsWith("h264,90\naac,");
    }
  }

  @Test
  void srtLiveTransmitIsASecondCaller() throws Exception {
    int port = start("kiln-secret-passphrase");
    Path slt = Path.of("/usr/bin/srt-live-transmit");
    assertThat(slt).as("srt-live-transmit (Debian package srt-tools; ./kiln test installs it)").isExecutable();
    int udpPort;
    try (java.net.DatagramSocket probe = new java.net.DatagramSocket(0)) {
      udpPort = probe.getLocalPort();
    }
    Path log = tmp.resolve("slt.log");
    Process transmit = new ProcessBuilder(slt.toString(), "-q", "udp://127.0.0.1:" + udpPort,
        "srt://127.0.0.1:" + port + "?streamid=#!::r=default/app/slt,m=publish"
            + "&passphrase=kiln-secret-passphrase")
        .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    try {
      FfmpegTool.Result r = FfmpegTool.runFfmpeg(FFMPEG_LIMIT,
          publishArgs(3, "udp://127.0.0.1:" + udpPort + "?pkt_size=1316"));
      assertThat(r.exitCode()).as("ffmpeg: %s", r.output()).isZero();
      CollectingAcceptor.Stream s = acceptor.await("#!::r=default/app/slt,m=publish", Duration.ofSeconds(1));
      transmit.destroy();
      s.awaitClosed(Duration.ofSeconds(8));
      assertThat(probe(s.data())).as("srt-live-transmit log: %s", Files.readString(log)).contains("h264,").contains("aac,");
    } finally {
      transmit.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
    }
  }
}

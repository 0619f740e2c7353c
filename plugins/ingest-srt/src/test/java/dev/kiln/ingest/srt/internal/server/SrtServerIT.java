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
    assertThat(server.ticking()).as("timer of a listener without connections").isFalse();
    FfmpegTool.Result r = FfmpegTool.runFfmpeg(FFMPEG_LIMIT,
        publishArgs(3, "srt://127.0.0.1:" + port + "?streamid=default/app/s1&latency=120000"));
    assertThat(r.exitCode()).as("ffmpeg: %s", r.output()).isZero();
    CollectingAcceptor.Stream s = acceptor.await("default/app/s1", Duration.ofSeconds(1));
    s.awaitClosed(Duration.ofSeconds(5));
    assertThat(s.closeReason).contains("shut");
    assertThat(server.ticking()).as("timer once the last connection closed").isFalse();
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

  @Test
  void aHandshakeFloodFromOneSourceDoesNotKeepAnotherCallerOut() throws Exception {
    int port = start(null);
    java.net.InetSocketAddress target = server.localAddress();
    java.util.concurrent.atomic.AtomicBoolean flooding = new java.util.concurrent.atomic.AtomicBoolean(true);
    Thread flood = new Thread(() -> {
      java.util.Random random = new java.util.Random(3);
      try (java.net.DatagramSocket attacker = new java.net.DatagramSocket(new java.net.InetSocketAddress("127.0.0.2", 0))) {
        for (long n = 0; flooding.get(); n++) {
          if (n % 5 == 0) {
            Thread.sleep(1); // up to 5,000 forged handshakes and 5,000 junk datagrams a second
          }
          java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(64);
          b.putInt(0x80000000).putInt(0).putInt(random.nextInt()).putInt(0)
              .putInt(random.nextBoolean() ? 4 : 5).putShort((short) 0).putShort((short) 2).putInt(random.nextInt())
              .putInt(1500).putInt(8192).putInt(random.nextBoolean() ? 1 : -1).putInt(random.nextInt())
              .putInt(random.nextInt());
          attacker.send(new java.net.DatagramPacket(b.array(), 64, target));
          byte[] junk = new byte[random.nextInt(1500)];
          random.nextBytes(junk);
          attacker.send(new java.net.DatagramPacket(junk, junk.length, target));
        }
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "srt-flood");
    flood.start();
    try {
      FfmpegTool.Result r = FfmpegTool.runFfmpeg(FFMPEG_LIMIT,
          publishArgs(2, "srt://127.0.0.1:" + port + "?streamid=default/app/during-flood"));
      assertThat(r.exitCode()).as("ffmpeg: %s", r.output()).isZero();
      CollectingAcceptor.Stream s = acceptor.await("default/app/during-flood", Duration.ofSeconds(1));
      s.awaitClosed(Duration.ofSeconds(8)); // the caller's shutdown may be lost: then the idle timeout (5 s)
      // On two cores the flood competes with ffmpeg's encoder for the CPU: a late frame or two is fine.
      String probed = probe(s.data());
      assertThat(Integer.parseInt(probed.substring(5, probed.indexOf('\n'))))
          .as("video frames of 60 in %s (late packets dropped: %d)", probed, s.connection.droppedPackets())
          .isGreaterThanOrEqualTo(50);
    } finally {
      flooding.set(false);
      flood.join(5000);
    }
    assertThat(server.handshakesLimited()).as("handshakes over the per-source limit").isGreaterThan(100);
    assertThat(server.connections()).isEmpty();
  }
}

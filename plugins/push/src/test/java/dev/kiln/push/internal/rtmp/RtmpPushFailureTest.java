package dev.kiln.push.internal.rtmp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.api.media.Codec;
import dev.kiln.api.media.Track;
import dev.kiln.push.internal.target.Protocol;
import dev.kiln.push.internal.target.PushTarget;
import dev.kiln.push.internal.target.TargetSpec;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** open() failures on real sockets: each fails with a message naming the target and the cause. */
@ExtendWith(LeakCheck.class)
class RtmpPushFailureTest {
  private static final List<Track> TRACKS = List.of(
      Track.video(0, Codec.H264, 1000, 320, 240, new byte[] {1, 0x42, 0, 0x1e, (byte) 0xff, (byte) 0xe0, 0}),
      Track.audio(1, Codec.AAC, 1000, 44100, 2, new byte[] {0x12, 0x10}));
  private static EventLoopGroup group;
  private static RtmpTargetFactory factory;

  @BeforeAll
  static void setUp() {
    group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    factory = new RtmpTargetFactory(group, NioSocketChannel.class, Duration.ofSeconds(1),
        RtmpTargetFactory.DEFAULT_STALL_TIMEOUT, null);
  }

  @AfterAll
  static void tearDown() {
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
  }

  private static PushTarget target(String url, String key) {
    return factory.create(new TargetSpec(Protocol.RTMP, URI.create(url), key, TRACKS));
  }

  /** The open() failure's message, checking that closed() fails the same way. */
  private static String openFailure(PushTarget target, long withinMillis) throws Exception {
    long start = System.nanoTime();
    CompletableFuture<Void> opened = target.open();
    assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start))
        .as("open() returns at once").isLessThan(500);
    Throwable cause = null;
    try {
      opened.get(withinMillis, TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      cause = e.getCause();
    }
    assertThat(cause).as("open() failed").isNotNull();
    assertThatThrownBy(() -> target.closed().get(1, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class).hasMessageContaining(cause.getMessage());
    target.close();
    return cause.getMessage();
  }

  @Test
  void connectionRefusedFailsFastNamingHostAndPort() throws Exception {
    int port = FfmpegReceiver.freePort();
    assertThat(openFailure(target("rtmp://127.0.0.1:" + port + "/live", "key"), 900))
        .isEqualTo("connection refused by 127.0.0.1:" + port);
  }

  @Test
  void silentListenerFailsAtTheTimeout() throws Exception {
    try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      long start = System.nanoTime();
      String message = openFailure(
          target("rtmp://127.0.0.1:" + silent.getLocalPort() + "/live", "key"), 5000);
      assertThat(message).isEqualTo("no answer from 127.0.0.1:" + silent.getLocalPort()
          + " within 1.0 s (waiting for the RTMP handshake)");
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isBetween(
          Duration.ofMillis(900), Duration.ofSeconds(4));
    }
  }

  @Test
  void unknownHostFailsNamingTheHost() throws Exception {
    String message = openFailure(target("rtmp://kiln-push-test.invalid/live", "key"), 5000);
    assertThat(message).containsAnyOf("cannot resolve host kiln-push-test.invalid",
        "no answer from kiln-push-test.invalid:1935 within 1.0 s (waiting for the host name");
  }

  @Test
  void tlsToAServerThatDoesNotSpeakTlsFails() throws Exception {
    // The first TLS context loads the JDK's trust store, which can take a while on a busy
    // machine: this test gives open() more than the others' one second.
    RtmpTargetFactory patient = new RtmpTargetFactory(group, NioSocketChannel.class,
        Duration.ofSeconds(8), RtmpTargetFactory.DEFAULT_STALL_TIMEOUT, null);
    try (GarbageServer server = new GarbageServer()) {
      PushTarget target = patient.create(new TargetSpec(Protocol.RTMP,
          URI.create("rtmps://127.0.0.1:" + server.port() + "/live"), "key", TRACKS));
      assertThat(openFailure(target, 9000))
          .startsWith("TLS handshake with 127.0.0.1:" + server.port() + " failed: ");
    }
  }

  @Test
  void aServerThatIsNotRtmpFails() throws Exception {
    try (GarbageServer server = new GarbageServer()) {
      assertThat(openFailure(target("rtmp://127.0.0.1:" + server.port() + "/live", "key"), 5000))
          .isEqualTo("127.0.0.1:" + server.port() + " is not an RTMP server: the server did not"
              + " answer with an RTMP handshake (version byte 0x48)");
    }
  }

  @Test
  void refusedPublishCarriesTheServersDescription() throws Exception {
    try (KilnReceiver receiver = new KilnReceiver(
        group, "NetStream.Publish.BadName", "stream key not recognised")) {
      assertThat(openFailure(target(receiver.url("live"), "wrong"), 5000)).isEqualTo(
          "127.0.0.1:" + receiver.port() + " refused the publish of 'wrong':"
              + " NetStream.Publish.BadName (stream key not recognised)");
    }
  }

  @Test
  void closeBeforeOpenCompletesClosedNormally() throws Exception {
    PushTarget target = target("rtmp://127.0.0.1:1/live", "key");
    target.close();
    target.close();
    target.closed().get(1, TimeUnit.SECONDS);
    assertThatThrownBy(() -> target.open().get(1, TimeUnit.SECONDS))
        .hasMessageContaining("closed before it connected");
  }

  @Test
  void urlsAreValidatedNamingTheField() {
    assertThatThrownBy(() -> RtmpTargetFactory.validate(URI.create("http://host/app"), "k"))
        .hasMessageStartingWith("url:");
    assertThatThrownBy(() -> RtmpTargetFactory.validate(URI.create("rtmp://host/"), "k"))
        .hasMessageStartingWith("url: no application");
    assertThatThrownBy(() -> RtmpTargetFactory.validate(URI.create("rtmp://host/app"), ""))
        .hasMessageStartingWith("streamKey:");
  }

  /** Accepts connections and answers each with an HTTP error, as a web server on the port would. */
  private static final class GarbageServer implements AutoCloseable {
    private final ServerSocket socket;

    GarbageServer() throws Exception {
      socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
      Thread thread = new Thread(() -> {
        while (!socket.isClosed()) {
          try (Socket client = socket.accept()) {
            OutputStream out = client.getOutputStream();
            out.write("HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n"
                .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            client.getInputStream().read(new byte[4096]);
          } catch (Exception e) {
            // closed
          }
        }
      }, "garbage-server");
      thread.setDaemon(true);
      thread.start();
    }

    int port() {
      return socket.getLocalPort();
    }

    @Override
    public void close() throws Exception {
      socket.close();
    }
  }
}

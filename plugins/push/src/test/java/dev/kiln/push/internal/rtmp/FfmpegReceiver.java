package dev.kiln.push.internal.rtmp;

import dev.kiln.testkit.FfmpegTool;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * ffmpeg as an RTMP server: {@code ffmpeg -listen 1 -i rtmp://127.0.0.1:PORT/app/key -c copy
 * out.flv}. It accepts one publisher; {@link #awaitListening} waits until its socket is in the
 * LISTEN state (read from {@code /proc/net/tcp}, so no probe connection uses up its accept).
 */
final class FfmpegReceiver implements AutoCloseable {
  final int port;
  final Path output;
  final Path log;
  private final Process process;

  private FfmpegReceiver(int port, Path output, Path log, Process process) {
    this.port = port;
    this.output = output;
    this.log = log;
    this.process = process;
  }

  static FfmpegReceiver start(Path dir, String app, String key) throws IOException {
    int port = freePort();
    Path output = dir.resolve("received-" + port + ".flv");
    Path log = dir.resolve("receiver-" + port + ".log");
    Process process = FfmpegTool.startFfmpeg(log, List.of(
        "-loglevel", "info", "-listen", "1", "-timeout", "30",
        "-i", "rtmp://127.0.0.1:" + port + "/" + app + "/" + key,
        "-c", "copy", "-y", output.toString()));
    FfmpegReceiver receiver = new FfmpegReceiver(port, output, log, process);
    receiver.awaitListening(Duration.ofSeconds(15));
    return receiver;
  }

  String url(String app) {
    return "rtmp://127.0.0.1:" + port + "/" + app;
  }

  Process process() {
    return process;
  }

  /** Waits for ffmpeg to finish on its own (after the publisher closed). */
  FfmpegTool.Result awaitExit(Duration timeout) {
    return FfmpegTool.await(process, log, timeout);
  }

  private void awaitListening(Duration timeout) throws IOException {
    long deadline = System.nanoTime() + timeout.toNanos();
    String local = String.format(Locale.ROOT, ":%04X", port);
    while (System.nanoTime() < deadline) {
      for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
        Path path = Path.of(table);
        if (!Files.exists(path)) {
          continue;
        }
        for (String line : Files.readAllLines(path)) {
          String[] fields = line.trim().split("\\s+");
          if (fields.length > 3 && fields[1].endsWith(local) && fields[3].equals("0A")) {
            return;
          }
        }
      }
      if (!process.isAlive()) {
        throw new IllegalStateException("ffmpeg exited before listening:\n" + Files.readString(log));
      }
      Thread.onSpinWait();
      try {
        Thread.sleep(20); // polling interval of the LISTEN-state check, not a synchronisation
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted", e);
      }
    }
    throw new IllegalStateException("ffmpeg not listening on " + port + " after " + timeout
        + ":\n" + Files.readString(log));
  }

  static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  @Override
  public void close() {
    process.destroyForcibly();
  }
}
